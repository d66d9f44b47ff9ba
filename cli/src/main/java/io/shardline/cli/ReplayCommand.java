package io.shardline.cli;

import io.shardline.pipeline.JobConfig;
import io.shardline.ingest.IngestOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Re-derives a dataset from the raw topics: the job, bounded, from a start to a stop position, with the
 * current preprocessing configuration, into a new dataset root. The old dataset and its versions stay as
 * they are; {@code shardline read --version N} re-serves any old version in its exact order. Records taken down from
 * the dataset being re-derived ({@code versions remove}) stay out of the new one.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline replay --from 2026-11-01T00:00:00Z --to 2026-11-02T00:00:00Z --into file:///data/replayed --name replayed",
        description = "Re-derive a dataset from Kafka: run the job bounded between two positions (instants, epoch ms, or"
                + " topic:partition:offset lists) into a new dataset root, with the current configuration.")
final class ReplayCommand extends RunCommand {

    @Option(names = "--from", required = true, description = "Start: 2026-11-01T00:00:00Z, epoch ms, or topic:partition:offset,...")
    String from;

    @Option(names = "--to", required = true, description = "Stop (exclusive): an instant, epoch ms, or topic:partition:offset,...")
    String to;

    @Option(names = "--into", required = true, description = "Dataset root of the new dataset, e.g. s3://bucket/datasets/replayed.")
    String into;

    @Option(names = "--name", required = true, description = "Name of the new dataset.")
    String name;

    @Override
    public Integer call() throws Exception {
        JobConfig conf = common.load();
        // What was taken down from the dataset being re-derived stays out of the new one.
        conf.getOptional(ShardWriterOptions.DATASET_ROOT).ifPresent(original -> {
            List<String> honoured = new ArrayList<>(conf.get(ShardWriterOptions.REMOVALS_FROM));
            if (!honoured.contains(original)) {
                honoured.add(original);
            }
            conf.set(ShardWriterOptions.REMOVALS_FROM, honoured);
        });
        conf.set(IngestOptions.START_AT, from);
        conf.set(IngestOptions.STOP_AT, to);
        conf.set(ShardWriterOptions.DATASET_ROOT, into);
        conf.set(ShardWriterOptions.DATASET_NAME, name);
        // Its own consumer group and transactional ids, so the replay never touches the live job's.
        conf.set(IngestOptions.GROUP_ID, "shardline-replay-" + name);
        conf.set(IngestOptions.DEAD_LETTER_TRANSACTIONAL_ID_PREFIX, "shardline-replay-" + name + "-dlq");
        return run(conf);
    }
}
