package io.shardline.shardwriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.S3Access;
import io.shardline.format.VersionExistsException;
import io.shardline.localstack.EmbeddedS3;
import io.shardline.testkit.FaultProxy;
import io.shardline.testkit.ShardFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two publishers of one dataset (two jobs on one root, or a job and {@code shardline versions publish}) never
 * both write one version: the loser of a race is refused by the store itself, not by a check before the write,
 * and publishes after the winner.
 */
class VersionPublishingITCase {

    @TempDir
    Path dir;

    @Test
    void onS3TheSecondWriterOfAVersionIsRefusedByTheConditionalPut() {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), "race-access", "race-secret", "datasets")) {
            S3Access access = new S3Access(Optional.of(s3.endpoint()), "us-east-1", true, Optional.of(s3.accessKey()),
                    Optional.of(s3.secretKey()));
            DatasetStore a = new DatasetStore("ds", URI.create("s3a://datasets/ds"), access.hadoopConfig(), 16 << 20);
            DatasetStore b = new DatasetStore("ds", URI.create("s3a://datasets/ds"), access.hadoopConfig(), 16 << 20);

            // B read the dataset before A published: it is about to write version 1 as well.
            DatasetManifest staleOfB = DatasetManifest.of("ds", 1, "2026-12-02T00:00:00Z", List.of(), List.of("sha256:b"));
            DatasetManifest ofA = new DatasetVersions(a).publishNext(true).orElseThrow();
            assertThat(ofA.version()).isEqualTo(1);

            assertThatThrownBy(() -> b.publish(staleOfB)).isInstanceOf(VersionExistsException.class)
                    .hasMessageContaining("version 1 of dataset ds");
            assertThat(b.read(1)).as("version 1 is still A's").isEqualTo(ofA);

            // B's own publisher reads the new latest version and publishes after it.
            assertThat(new DatasetVersions(b).publishNext(true).orElseThrow().version()).isEqualTo(2);
            assertThat(a.versions()).containsExactly(1L, 2L);
        }
    }

    @Test
    void publishersRacingOnOneFilesystemRootEachGetVersionsOfTheirOwn() throws Exception {
        Path root = dir.resolve("fs");
        int publishers = 4;
        int eachPublishes = 6;
        ShardFixtures.write(root, "ds", ShardFixtures.uniform(2, 3), 64, 1 << 20);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<List<Long>>> runs = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                DatasetVersions versions = new DatasetVersions(ShardFixtures.store(root, "ds"));
                List<Long> mine = new ArrayList<>();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < eachPublishes; i++) {
                    mine.add(versions.publishNext(true).orElseThrow().version());
                    // Publishers run after checkpoints, not in a tight loop: a short pause, different for each.
                    try {
                        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(20));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return mine;
            }));
        }
        start.countDown();
        Set<Long> won = new HashSet<>();
        for (CompletableFuture<List<Long>> r : runs) {
            for (long v : r.get()) {
                assertThat(won.add(v)).as("version %d reported published by two publishers", v).isTrue();
            }
        }
        DatasetStore store = ShardFixtures.store(root, "ds");
        // ShardFixtures.write published version 1; every race after it produced one version, none twice.
        assertThat(store.versions()).hasSize(1 + publishers * eachPublishes);
        assertThat(won).hasSize(publishers * eachPublishes);
        for (long v : store.versions()) {
            assertThat(store.read(v).shards()).hasSize(2);
        }
    }

    @Test
    void anUnreadableCommittedFileIsLeftOutWithoutHoldingBackTheOthers() throws Exception {
        Path root = dir.resolve("corrupt");
        ShardFixtures.write(root, "ds", ShardFixtures.uniform(1, 3), 64, 1 << 20);
        Path broken = root.resolve("shards").resolve("image").resolve("part-broken.parquet");
        Files.writeString(broken, "a truncated upload, not Parquet");

        // The next shard is committed beside it: it is published, the broken file is not, and nothing fails.
        DatasetManifest v2 = ShardFixtures.write(root, "ds", ShardFixtures.uniform(2, 3), 64, 1 << 20);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.shards()).extracting(s -> s.path()).containsExactly("shards/image/part-00000.parquet",
                "shards/image/part-00001.parquet");

        DatasetVersions versions = new DatasetVersions(ShardFixtures.store(root, "ds"));
        assertThat(versions.publishNext(false)).isEmpty();
        assertThat(versions.unreadableShards()).singleElement().satisfies(u -> {
            assertThat(u.path()).isEqualTo("shards/image/part-broken.parquet");
            assertThat(u.reason()).contains("Parquet");
        });

        // Moved away, it is no longer reported; the dataset carries on.
        Files.delete(broken);
        assertThat(versions.publishNext(true).orElseThrow().version()).isEqualTo(3);
        assertThat(versions.unreadableShards()).isEmpty();
    }

    @Test
    // A bucket of its own, behind a fault proxy of its own.
    void publishingRidesOutThrottlingAndRecoversAfterAnOutage() {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3-faults"), "fault-access", "fault-secret", "faults");
                FaultProxy proxy = FaultProxy.start("127.0.0.1", URI.create(s3.endpoint()).getPort())) {
            S3Access access = new S3Access(Optional.of(proxy.endpoint()), "us-east-1", true, Optional.of(s3.accessKey()),
                    Optional.of(s3.secretKey()));
            org.apache.hadoop.conf.Configuration conf = access.hadoopConfig();
            // Few and quick retries: an outage is to fail the call, not to hang it for minutes.
            conf.set("fs.s3a.attempts.maximum", "2");
            conf.set("fs.s3a.retry.limit", "2");
            conf.set("fs.s3a.retry.interval", "100ms");
            conf.set("fs.s3a.retry.throttle.interval", "100ms");
            conf.set("fs.s3a.connection.establish.timeout", "2s");
            DatasetVersions versions = new DatasetVersions(new DatasetStore("ds", URI.create("s3a://faults/ds"), conf, 16 << 20));

            proxy.slowDownShare(0.3);
            proxy.mode(FaultProxy.Mode.SLOW_DOWN);
            for (int v = 1; v <= 5; v++) {
                assertThat(versions.publishNext(true).orElseThrow().version()).isEqualTo(v);
            }
            assertThat(proxy.failed()).as("requests answered 503 Slow Down").isPositive();

            proxy.mode(FaultProxy.Mode.OUTAGE);
            assertThatThrownBy(() -> versions.publishNext(true)).as("publishing while the store is unreachable").isNotNull();

            proxy.mode(FaultProxy.Mode.PASS);
            assertThat(versions.publishNext(true).orElseThrow().version()).isEqualTo(6);
            org.apache.hadoop.conf.Configuration directly = new S3Access(Optional.of(s3.endpoint()), "us-east-1", true,
                    Optional.of(s3.accessKey()), Optional.of(s3.secretKey())).hadoopConfig();
            directly.setBoolean("fs.s3a.impl.disable.cache", true); // not the cached file system that goes through the proxy
            DatasetStore direct = new DatasetStore("ds", URI.create("s3a://faults/ds"), directly, 16 << 20);
            assertThat(direct.versions()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        }
    }
}
