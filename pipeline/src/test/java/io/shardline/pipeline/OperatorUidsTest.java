package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.ingest.IngestOptions;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: every operator of the job, with every optional step on, has a
 * fixed uid, and none is used twice. An operator without one would get a generated id that changes with the
 * graph, and its state would not survive an upgrade.
 */
class OperatorUidsTest {

    @Test
    void everyOperatorHasAFixedUniqueUid() {
        JobConfig c = new JobConfig();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        c.set(ShardWriterOptions.DATASET_ROOT, "file:///tmp/uids-test");
        c.set(PreprocessOptions.KEEP_FILTERED, true);
        c.set(PreprocessOptions.TEXT_TOKENIZE, true);
        c.set(PreprocessOptions.TEXT_NEAR_DEDUP, PreprocessOptions.NearDedupMode.DROP);
        c.set(PreprocessOptions.IMAGE_NEAR_DEDUP, true);
        c.set(PreprocessOptions.SENSOR_WINDOWS, true);
        JobConfig job = JobOptions.withDefaults(c);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job);
        new ShardlinePipeline(job).addTo(env);
        StreamGraph graph = env.getStreamGraph();

        List<String> missing = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() == null) {
                missing.add(node.getOperatorName());
            } else {
                uids.add(node.getTransformationUID());
            }
        }
        assertThat(missing).as("operators without a uid").isEmpty();
        assertThat(uids).doesNotHaveDuplicates().contains(ShardlinePipeline.Uids.SOURCE, "shardline-text-near-dedup-buckets")
                .hasSizeGreaterThan(15);
    }
}
