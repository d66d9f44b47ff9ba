package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetStore;
import io.shardline.format.S3Options;
import io.shardline.localstack.LocalFlink;
import io.shardline.localstack.ProcessFlink;
import io.shardline.localstack.ProcessS3;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.pipeline.JobConfig;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import io.shardline.testkit.Await;
import io.shardline.testkit.FaultProxy;
import io.shardline.testkit.KafkaBroker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The object store fails under a running job: the S3-compatible server runs as a process of its own behind a
 * fault proxy, which the TaskManagers' S3 filesystem (the shards) and the version publisher both go through. An
 * outage, then a share of 503 Slow Down answers, then slow PUTs, each while records arrive. Once it clears,
 * every valid record is in exactly one committed shard, and no multipart upload is left open.
 */
class ObjectStoreFaultsITCase {

    static final int RECORDS = 30_000;
    static final int PARALLELISM = 2;
    static final String BUCKET = "datasets";

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(PARALLELISM, ClusterJob.TOPICS);

    @Test
    void outagesThrottlingAndSlowPutsLoseAndDuplicateNothing() throws Exception {
        String bootstrap = KAFKA.get().bootstrapServers();
        SampleData data = new SampleData(new SampleData.Plan(RECORDS, 5, 600, 1_048_577, 20261205L, 0));
        long valid = data.expected().valid();
        SampleProducer producer = new SampleProducer(bootstrap, data);
        List<MultipartUpload> open;
        int failures;
        long failedOnPurpose;

        try (ProcessS3 s3 = ProcessS3.start(KAFKA.dir().resolve("s3"), "faults-access", "faults-secret",
                System.getProperty("java.class.path"), BUCKET);
                FaultProxy proxy = FaultProxy.start("127.0.0.1", s3.port())) {
            JobConfig job = ClusterJob.config(bootstrap, KAFKA.dir(), "object-store-faults", PARALLELISM);
            job.set(ShardWriterOptions.DATASET_ROOT, "s3://" + BUCKET + "/datasets/object-store-faults");
            job.set(S3Options.ENDPOINT, proxy.endpoint());
            job.set(S3Options.PATH_STYLE, true);
            job.set(S3Options.ACCESS_KEY, s3.accessKey());
            job.set(S3Options.SECRET_KEY, s3.secretKey());
            DatasetStore store = Datasets.store(job.settings());
            // The cluster's S3 filesystem, as a deployment configures it: through the proxy.
            Map<String, String> cluster = new LinkedHashMap<>(S3Options.flinkFileSystemSettings(job.settings()));
            // And this JVM's, which builds the job graph, as shardline run --remote does.
            LocalFlink.initializeFileSystems(JobConfig.s3FileSystem(job.settings()), Path.of(System.getenv("FLINK_PLUGINS_DIR")));
            try (ProcessFlink flink = ProcessFlink.start(KAFKA.dir().resolve("flink"), 1, PARALLELISM, cluster, ClusterJob.flinkLib())) {
                JobClient client = ClusterJob.submit(flink, job);
                producer.produce(ClusterJob.BY_MODALITY, 0, 6_000, n -> {});
                Await.until("shards are committed", Duration.ofMinutes(3), () -> ClusterJob.committedRows(store) > 0);

                proxy.mode(FaultProxy.Mode.OUTAGE);
                producer.produce(ClusterJob.BY_MODALITY, 6_000, 12_000, n -> {});
                Thread.sleep(15_000);

                proxy.slowDownShare(0.05);
                proxy.mode(FaultProxy.Mode.SLOW_DOWN);
                producer.produce(ClusterJob.BY_MODALITY, 12_000, 18_000, n -> {});
                Thread.sleep(20_000);

                proxy.putDelayMillis(1_500);
                proxy.mode(FaultProxy.Mode.SLOW_PUTS);
                producer.produce(ClusterJob.BY_MODALITY, 18_000, 24_000, n -> {});
                Thread.sleep(20_000);

                proxy.mode(FaultProxy.Mode.PASS);
                producer.produce(ClusterJob.BY_MODALITY, 24_000, RECORDS, n -> {});
                Await.until("all valid rows are committed", Duration.ofMinutes(5), () -> ClusterJob.committedRows(store) >= valid);
                failures = flink.jobFailures(client.getJobID().toString());
                client.cancel().get();
            }
            failedOnPurpose = proxy.failed();
            Set<String> ids = ClusterJob.idsOnce(job);
            assertThat(ids).hasSize((int) valid);
            assertThat(ids.stream().filter(id -> !data.fate(SampleData.indexOf(id)).valid()).toList()).as("rows of malformed records").isEmpty();
            try (S3Client client = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1)
                    .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()))).build()) {
                open = client.listMultipartUploads(b -> b.bucket(BUCKET)).uploads();
                // The listing does see an upload left open: one started here, then aborted.
                String probe = client.createMultipartUpload(b -> b.bucket(BUCKET).key("probe/part-0.parquet")).uploadId();
                assertThat(client.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).extracting(MultipartUpload::uploadId)
                        .contains(probe);
                client.abortMultipartUpload(b -> b.bucket(BUCKET).key("probe/part-0.parquet").uploadId(probe));
            }
        }
        ClusterJob.deadLettersOnce(bootstrap, data);
        assertThat(open).as("multipart uploads left open").isEmpty();
        System.out.printf("Object store faults: a 15 s outage, 20 s of 5%% 503 Slow Down, 20 s of PUTs slowed by 1.5 s; %d requests"
                + " failed on purpose, %d job failures recovered; %d valid rows, each once; no multipart upload left open%n",
                failedOnPurpose, failures, valid);
    }
}
