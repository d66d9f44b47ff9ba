package io.shardline.cli;

import io.shardline.pipeline.JobConfig;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.LocalFlink;
import io.shardline.pipeline.JobOptions;
import io.shardline.pipeline.RestorePoint;
import io.shardline.pipeline.ShardlineJob;
import io.shardline.pipeline.ShardlinePipeline;
import io.shardline.preprocess.Preprocessing;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the pipeline job with the configured options: on an embedded Flink MiniCluster in this process, or on
 * a remote cluster through its REST endpoint with the job jar. Kafka and storage are whatever the options
 * name (the demo's embedded stack is the demo's business).
 */
@Command(name = "run", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline run --set shardline.ingest.bounded=true   (remote: ./shardline run --remote 127.0.0.1:8081 --jar job/target/shardline-job.jar --config job.conf)",
        description = "Run the pipeline job: on an embedded Flink MiniCluster (default), or on a remote cluster's REST endpoint"
                + " (--remote host:port, with the job jar). Kafka, the dataset root and every other setting come from the options.")
class RunCommand implements Callable<Integer> {

    @Option(names = "--remote", paramLabel = "HOST:PORT", description = "A Flink cluster's REST endpoint, e.g. flink-jobmanager:8081.")
    String remote;

    @Option(names = "--jar", defaultValue = "job/target/shardline-job.jar",
            description = "The job jar sent to a remote cluster (default: ${DEFAULT-VALUE}; build it with ./mvnw -DskipTests package -pl job -am).")
    Path jar;

    @Option(names = "--detached", description = "Submit and return; do not wait for the job to finish.")
    boolean detached;

    @Option(names = "--resume", paramLabel = "PATH",
            description = "Resume from a savepoint or retained checkpoint (a folder with _metadata), or from the latest complete"
                    + " checkpoint in a job's checkpoint folder <state.checkpoints.dir>/<job-id>: how a job lost with its"
                    + " JobManager continues where it was.")
    String resume;

    @Option(names = "--work-dir", defaultValue = "shardline-run",
            description = "Embedded cluster only: folder for its checkpoints unless configured (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        return run(common.load());
    }

    /** Runs the job with this configuration, embedded or remote, and reports how it went. */
    int run(JobConfig conf) throws Exception {
        IngestOptions.requireBootstrapServers(conf.settings());
        DatasetStore store = Datasets.store(conf.settings());
        JobConfig job = JobOptions.withDefaults(conf);
        String plugins = System.getenv("FLINK_PLUGINS_DIR");
        if (resume != null) {
            String point = RestorePoint.resolve(resume);
            job.set(StateRecoveryOptions.SAVEPOINT_PATH, point);
            System.out.printf("Resuming from %s%n", point);
        }
        if (remote != null) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no job jar at " + jar + ": build it with ./mvnw -B -DskipTests package -pl job -am");
            }
            int colon = remote.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--remote takes host:port, got '" + remote + "'");
            }
            // The job graph is built here: the file sink needs the dataset root's file system (S3's plugin) for it.
            LocalFlink.initializeFileSystems(JobConfig.s3FileSystem(job.settings()), plugins == null ? null : Path.of(plugins));
            // The job goes without its secrets: on the cluster it uses the cluster's own S3 credentials.
            StreamExecutionEnvironment env = ShardlineJob.remoteEnvironment(remote.substring(0, colon),
                    Integer.parseInt(remote.substring(colon + 1)), job, jar.toString());
            BoundedRunOffsets offsets = BoundedRunOffsets.atSubmission(job);
            return follow(ShardlineJob.submit(env, new ShardlinePipeline(job), job), store, job.get(ShardWriterOptions.PUBLISH_VERSIONS),
                    offsets);
        }
        int slots = job.getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(2);
        // The embedded cluster gets the S3 credentials as a cluster does: in its configuration, for its S3 filesystem
        // and the version publisher; the job itself goes without them.
        try (LocalFlink flink = LocalFlink.start(workDir.toAbsolutePath(), slots, JobConfig.s3FileSystem(job.settings()),
                plugins == null ? null : Path.of(plugins))) {
            BoundedRunOffsets offsets = BoundedRunOffsets.atSubmission(job);
            return follow(ShardlineJob.submit(flink.environment(job.withoutSecrets()), new ShardlinePipeline(job), job), store,
                    job.get(ShardWriterOptions.PUBLISH_VERSIONS), offsets);
        }
    }

    /**
     * Prints the job id, then, until it ends, the versions it has published; when it has finished, publishes what
     * its final checkpoint committed (the job's publisher may have been told of that checkpoint before the shard
     * committers were done), as whoever runs a bounded job does.
     */
    private int follow(JobClient client, DatasetStore store, boolean publish, BoundedRunOffsets offsets) throws Exception {
        System.out.printf("Job %s submitted; dataset '%s' at %s%n", client.getJobID(), store.dataset(), store.root());
        if (detached) {
            return 0;
        }
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        long shown = -1;
        while (!result.isDone()) {
            long latest = store.versions().stream().mapToLong(Long::longValue).max().orElse(0);
            if (latest != shown) {
                System.err.printf("  %s: %s, latest version %d%n", java.time.LocalTime.now().withNano(0), client.getJobStatus().get(), latest);
                shown = latest;
            }
            Thread.sleep(Duration.ofSeconds(2).toMillis());
        }
        JobExecutionResult r = result.get(); // rethrows the job's failure
        if (publish) {
            new DatasetVersions(store).publishNext(false);
        }
        System.out.printf("Job %s finished after %,d ms; latest version %s%n", client.getJobID(), r.getNetRuntime(),
                store.latest().map(m -> m.version() + " (" + m.totalRows() + " rows)").orElse("none"));
        if (offsets != null) {
            offsets.commit();
        }
        Object windows = r.getAccumulatorResult(Preprocessing.SENSOR_WINDOWS_ACCUMULATOR);
        if (windows != null) {
            Object gaps = r.getAccumulatorResult(Preprocessing.SENSOR_GAPS_ACCUMULATOR);
            System.out.printf("Sensor windows: %,d cut; %,d places where a device's readings were more than max-gap apart%s%n",
                    (Long) windows, gaps == null ? 0L : (Long) gaps, (Long) windows == 0 && gaps != null && (Long) gaps > 0
                            ? " (no window: set shardline.preprocess.sensor.period to the devices' sampling period)" : "");
        }
        return 0;
    }
}
