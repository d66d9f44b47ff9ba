package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.shardline.format.internal.ManifestCodec;
import java.util.List;
import java.util.Objects;

/**
 * What a shard says about itself in its Parquet footer (key {@link #FOOTER_KEY}): enough to rebuild and
 * verify a dataset manifest from the shards alone.
 *
 * @param formatVersion version of this lineage record, {@link #FORMAT_VERSION}
 * @param table the table the shard belongs to (lineage of format 1 called it {@code modality})
 * @param schemaName name and revision of the Parquet schema, see {@link ShardSchemas#schemaName}
 * @param configFingerprint fingerprint of the pipeline configuration that wrote the shard
 * @param rows rows written, equal to the footer's row count
 * @param sources per source partition, the offsets whose records are rows of this shard
 * @param writer which release of shardline wrote it ({@code shardline/<version>})
 * @param run the job run and checkpoint that wrote it; null for a shard written outside a Flink job, or by a
 *     release before lineage format 3
 * @param rewrite for a shard a takedown wrote, the shard it was rewritten from and what it leaves out; null otherwise
 */
public record ShardLineage(
        int formatVersion,
        @JsonAlias("modality") ShardTable table,
        String schemaName,
        String configFingerprint,
        long rows,
        List<OffsetRange> sources,
        String writer,
        @JsonInclude(JsonInclude.Include.NON_NULL) ShardRun run,
        @JsonInclude(JsonInclude.Include.NON_NULL) ShardRewrite rewrite) {

    /** Parquet key-value metadata key under which the lineage JSON is stored. */
    public static final String FOOTER_KEY = "shardline.lineage";

    /** 3: the {@code run}; 2: {@code table} instead of {@code modality}. Formats 1 and 2 are still read. */
    public static final int FORMAT_VERSION = 3;

    public ShardLineage {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(schemaName, "schemaName");
        Objects.requireNonNull(configFingerprint, "configFingerprint");
        sources = List.copyOf(sources);
    }

    /** A lineage without a rewrite: what the job and the tools write. */
    public ShardLineage(int formatVersion, ShardTable table, String schemaName, String configFingerprint, long rows,
            List<OffsetRange> sources, String writer, ShardRun run) {
        this(formatVersion, table, schemaName, configFingerprint, rows, sources, writer, run, null);
    }

    /** The lineage of this shard rewritten by a takedown: fewer rows, their sources, and what was left out. */
    public ShardLineage rewritten(long keptRows, List<OffsetRange> keptSources, ShardRewrite how) {
        return new ShardLineage(FORMAT_VERSION, table, schemaName, configFingerprint, keptRows, keptSources, writer, run, how);
    }

    /** The footer's JSON form of this lineage. */
    public String toJson() {
        return ManifestCodec.lineageToJson(this);
    }
}
