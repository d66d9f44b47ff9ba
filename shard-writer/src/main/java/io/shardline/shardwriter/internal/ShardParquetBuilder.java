package io.shardline.shardwriter.internal;

import io.shardline.format.ShardSchemas;
import io.shardline.shardwriter.ShardWriterSettings;
import java.io.IOException;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * Creates the Parquet writer of one shard. Serializable: it carries only settings, and builds writers on the
 * task manager, one per shard file.
 */
public final class ShardParquetBuilder<T> implements ParquetBuilder<T> {

    private static final long serialVersionUID = 1L;

    /** Binary statistics of this length are plenty to prune on ids; longer would bloat footers. */
    private static final int STATISTICS_TRUNCATE_LENGTH = 64;

    /**
     * Columns that get a dictionary: labels, content types, devices and channel names, which readers filter
     * on. Elsewhere zstd takes repeated values (source, topic, partition) down to almost nothing without the
     * per-value cost of a dictionary.
     */
    private static final String[] DICTIONARY_COLUMNS = {
        ShardSchemas.CONTENT_TYPE, ShardSchemas.LABEL, ShardSchemas.DEVICE_ID, ShardSchemas.READINGS + ".key_value.key"
    };

    private final ShardRowWriter<T> rows;
    private final ShardWriterSettings settings;
    /** Set on the task by the sink ({@link RunStampingFileSink}); absent outside a Flink job. */
    private transient RunStamp run;

    public ShardParquetBuilder(ShardRowWriter<T> rows, ShardWriterSettings settings) {
        this.rows = rows;
        this.settings = settings;
    }

    /** The shards this builder makes from now on name this run in their lineage. */
    public void stampWith(RunStamp run) {
        this.run = run;
    }

    @Override
    public ParquetWriter<T> createWriter(OutputFile out) throws IOException {
        RunStamp stamp = run;
        Configuration conf = new Configuration(false);
        conf.setInt("parquet.compression.codec.zstd.level", settings.zstdLevel());
        Builder<T> b = new Builder<>(out, new ShardWriteSupport<>(rows, settings.configFingerprint(), settings.writerVersion(),
                stamp == null ? () -> null : stamp::current))
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withCompressionCodec(settings.compression())
                .withRowGroupSize(settings.rowGroupBytes())
                .withPageSize(settings.pageBytes())
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withStatisticsTruncateLength(STATISTICS_TRUNCATE_LENGTH)
                .withColumnIndexTruncateLength(STATISTICS_TRUNCATE_LENGTH)
                .withPageWriteChecksumEnabled(true)
                // Dictionaries only where values repeat; on ids, texts, offsets and timestamps Parquet would
                // build one per page only to give it up.
                .withDictionaryEncoding(false)
                // Size statistics (unencoded byte histograms) cost a pass per value and no reader here uses them;
                // min/max of long texts prune nothing.
                .withSizeStatisticsEnabled(false)
                .withStatisticsEnabled(ShardSchemas.TEXT, false);
        for (String column : DICTIONARY_COLUMNS) {
            b = b.withDictionaryEncoding(column, true);
        }
        if (rows.table() == io.shardline.format.ShardTable.IMAGE) {
            b = b.withStatisticsEnabled(ShardSchemas.IMAGE, false)
                    .withCompressionCodec(ShardSchemas.IMAGE, CompressionCodecName.UNCOMPRESSED);
        }
        return b.build();
    }

    private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
        private final WriteSupport<T> support;

        Builder(OutputFile out, WriteSupport<T> support) {
            super(out);
            this.support = support;
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(Configuration conf) {
            return support;
        }
    }
}
