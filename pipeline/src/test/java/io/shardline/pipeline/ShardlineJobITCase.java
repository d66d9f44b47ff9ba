package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.Modality;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.LocalStack;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar's entry point, as {@code flink run} calls it: every option as a program argument, the job on
 * the environment Flink provides (here a local one, bound to loopback by the same arguments).
 */
class ShardlineJobITCase {

    @TempDir
    Path tmp;

    @Test
    void mainRunsTheJobFromProgramArguments() throws Exception {
        try (LocalStack stack = LocalStack.builder(tmp.resolve("stack")).partitions(2).slots(2)
                .topics(List.of("raw.text", "raw.image", "raw.sensor", "shardline.dead-letter")).start()) {
            SampleData data = new SampleData(new SampleData.Plan(5_000, 1, 600, 2 << 20, 3));
            Map<Modality, String> topics = new EnumMap<>(Modality.class);
            topics.put(Modality.TEXT, "raw.text");
            topics.put(Modality.IMAGE, "raw.image");
            topics.put(Modality.SENSOR, "raw.sensor");
            new SampleProducer(stack.kafka().bootstrapServers(), data).produce(topics, 0, 5_000, n -> {});
            String root = tmp.resolve("dataset").toUri().toString();

            List<String> args = new ArrayList<>(List.of(
                    "--" + IngestOptions.BOOTSTRAP_SERVERS.key(), stack.kafka().bootstrapServers(),
                    "--" + IngestOptions.BOUNDED.key(), "true",
                    "--" + ShardWriterOptions.DATASET_ROOT.key(), root,
                    "--" + ShardWriterOptions.DATASET_NAME.key(), "from-main",
                    "--parallelism.default", "2",
                    "--execution.checkpointing.interval", "500ms",
                    "--execution.checkpointing.dir", tmp.resolve("checkpoints").toUri().toString(),
                    "--restart-strategy.type", "none",
                    "--rest.bind-address", "127.0.0.1",
                    "--rest.address", "127.0.0.1",
                    "--rest.bind-port", "0",
                    "--jobmanager.bind-host", "127.0.0.1",
                    "--taskmanager.bind-host", "127.0.0.1",
                    "--taskmanager.host", "127.0.0.1"));
            ShardlineJob.main(args.toArray(String[]::new));

            JobConfig c = new JobConfig();
            c.set(ShardWriterOptions.DATASET_ROOT, root);
            c.set(ShardWriterOptions.DATASET_NAME, "from-main");
            Datasets.versions(c.settings()).publishNext(false);
            DatasetManifest latest = Datasets.store(c.settings()).latest().orElseThrow();
            assertThat(latest.dataset()).isEqualTo("from-main");
            assertThat(latest.totalRows()).isEqualTo(data.expected().valid());
            assertThat(Datasets.versions(c.settings()).verify(latest)).isEmpty();
        }
    }
}
