package io.shardline.bench.internal;

import io.shardline.format.Modality;
import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.JobConfig;
import io.shardline.preprocess.PreprocessOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The least CPU the job's work can take: the same decoding and Parquet encoding in one thread without Flink, and
 * the tokenizer on its own.
 */
public final class FloorBaseline {

    private FloorBaseline() {}

    /**
     * CPU seconds of the same work without Flink: one thread polls the topic, decodes every record with the job's
     * decoder and writes the samples with the job's Parquet encoding into one local file. No checkpoints, no
     * exactly-once, no hand-over between threads: what reading, decoding and writing cost on their own, and so
     * the least CPU any pipeline doing this work needs. Broker threads serving the fetches are included, as they
     * are in the job's figure.
     */
    public static double cpuSeconds(String bootstrap, Modality m, String topic, long expected, JobConfig conf, Path out)
            throws Exception {
        Files.createDirectories(out);
        var decoder = new io.shardline.ingest.EnvelopeDecoder(IngestOptions.limits(conf.settings()));
        var settings = io.shardline.shardwriter.ShardWriterSettings.from(conf.settings(), "bench-floor");
        long cpu0 = ProcessCpu.nanos();
        try (KafkaConsumer<byte[], byte[]> c = ConsumerBaseline.atStart(bootstrap, topic);
                org.apache.parquet.hadoop.ParquetWriter<Object> w =
                        io.shardline.shardwriter.ShardFileWriter.open(io.shardline.format.ShardTable.of(m), out.resolve("floor.parquet"), settings)) {
            ConsumerBaseline.read(c, expected, "the floor pass", r -> {
                var decoded = decoder.decode(m, r);
                if (decoded.isDeadLetter()) {
                    throw new IllegalStateException("bench data must be valid: " + decoded.deadLetter());
                }
                try {
                    w.write(switch (m) {
                        case TEXT -> decoded.text();
                        case IMAGE -> decoded.image();
                        case SENSOR -> decoded.sensor();
                    });
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        double cpu = (ProcessCpu.nanos() - cpu0) / 1e9;
        try (var files = Files.list(out)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        return cpu;
    }

    /**
     * Tokens per CPU-second of the tokenizer alone, one thread: the text topic's documents decoded, then
     * encoded with the configured encoding; only the encoding is timed.
     */
    public static double tokenizerRate(String bootstrap, String topic, long records, JobConfig conf) {
        var tokenizer = io.shardline.preprocess.Tokenizer.create(conf.get(PreprocessOptions.TEXT_TOKENIZER_ENCODING));
        var decoder = new io.shardline.ingest.EnvelopeDecoder(IngestOptions.limits(conf.settings()));
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tokens = 0;
        long cpu = 0;
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> c = ConsumerBaseline.atStart(bootstrap, topic)) {
            while (n < records) {
                var batch = c.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    var doc = decoder.decode(Modality.TEXT, r).text();
                    if (doc == null || n >= records) {
                        continue;
                    }
                    String text = doc.text();
                    long t0 = mx.getCurrentThreadCpuTime();
                    tokens += tokenizer.encodeDocument(text).length;
                    cpu += mx.getCurrentThreadCpuTime() - t0;
                    n++;
                }
                if (batch.isEmpty() && n > 0) {
                    break;
                }
            }
        }
        return tokens / (cpu / 1e9);
    }
}
