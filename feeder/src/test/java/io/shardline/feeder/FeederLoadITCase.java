package io.shardline.feeder;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.testkit.Await;
import io.shardline.testkit.ShardFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load on loopback, bounded in count and time: 64 clients read an epoch while one stalls after its first
 * batch, then 1,000 streams are cancelled part-way. A stream never holds more than its memory cap, the
 * others keep going, and no Arrow buffer outlives its stream (the server's allocators are checked when it
 * closes).
 */
class FeederLoadITCase {

    static final int IMAGE_BYTES = 10_000;
    static final int BATCH = 32;

    @TempDir
    Path tmp;

    @Test
    void aStalledClientStaysWithinItsCapWhileSixtyFourOthersReadAndCancelledStreamsLeakNothing() throws Exception {
        Path root = tmp.resolve("images");
        ShardFixtures.write(root, "images", ShardFixtures.uniform(16, 40), IMAGE_BYTES, 100_000);
        // The stalled client reads a larger dataset (48 MB): far more than the socket and HTTP/2 buffers hold,
        // so only backpressure can keep the feeder from reading it all into memory.
        Path big = tmp.resolve("big");
        ShardFixtures.write(big, "big", ShardFixtures.uniform(48, 100), IMAGE_BYTES, 400_000);
        long clientMemory = 2L << 20;
        FeederServer server = FeederServer.start(FeederITCase.config(root).set(FeederOptions.CLIENT_MEMORY, clientMemory)
                .set(FeederOptions.DATASETS, "images=" + root.toUri() + ",big=" + big.toUri())
                .set(FeederOptions.CACHE_SIZE, "128mb").build());
        try (BufferAllocator allocator = new RootAllocator()) {
            FeedRequest epoch = FeedRequest.of("images", 0, "image", 3, 0, 1, BATCH).withRank(0);
            int expected = 640 / BATCH * BATCH;

            try (FeederClient stalledClient = FeederClient.connect(server.location(), allocator, Optional.empty(), Optional.empty());
                    FeederClient.RankStream stalled = stalledClient.open(FeedRequest.of("big", 0, "image", 3, 0, 1, BATCH).withRank(0))) {
                assertThat(stalled.next()).isTrue();
                // 64 clients, each reading the whole epoch on its own connection, while the stalled one reads nothing.
                ExecutorService pool = Executors.newFixedThreadPool(16);
                List<Future<Integer>> readers = new ArrayList<>();
                for (int c = 0; c < 64; c++) {
                    readers.add(pool.submit(() -> {
                        try (FeederClient client = FeederClient.connect(server.location(), allocator, Optional.empty(), Optional.empty())) {
                            HashSet<String> ids = new HashSet<>();
                            try (FeederClient.RankStream s = client.open(epoch)) {
                                while (s.next()) {
                                    ids.addAll(FeederITCase.ids(s.batch(), IMAGE_BYTES) /* checks every image byte */);
                                }
                            }
                            return ids.size();
                        }
                    }));
                }
                for (Future<Integer> f : readers) {
                    assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(expected);
                }
                pool.shutdown();
                // Only the stalled stream is left: what it holds is within its cap, whatever it was sent.
                long streamMemory = server.allocatedBytes() - server.cacheBytes();
                assertThat(streamMemory).isLessThanOrEqualTo(clientMemory);
                assertThat(server.metrics().streamsActive.get()).isEqualTo(1);
                assertThat(server.metrics().streamsCompleted.sum()).isEqualTo(64);
                // The stalled client takes up again and gets the rest of its epoch.
                int more = 0;
                while (stalled.next()) {
                    more += stalled.batch().getRowCount();
                }
                assertThat(more).isEqualTo(4800 - BATCH);
            }

            // 1,000 streams cancelled after their first batch, 8 at a time.
            ExecutorService pool = Executors.newFixedThreadPool(8);
            AtomicInteger cancelled = new AtomicInteger();
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(pool.submit(() -> {
                    try (FeederClient client = FeederClient.connect(server.location(), allocator, Optional.empty(), Optional.empty())) {
                        for (int i = 0; i < 125; i++) {
                            try (FeederClient.RankStream s = client.open(epoch)) {
                                assertThat(s.next()).isTrue();
                                s.cancel("test cancels");
                                cancelled.incrementAndGet();
                            } catch (org.apache.arrow.flight.FlightRuntimeException cancelledOnClose) {
                                // closing a cancelled stream reports the cancellation
                                cancelled.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(180, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(cancelled.get()).isEqualTo(1000);
            Await.until("every cancelled stream has ended and freed its memory", Duration.ofSeconds(30),
                    () -> server.metrics().streamsActive.get() == 0 && server.allocatedBytes() <= server.cacheBytes());
            assertThat(server.metrics().streamsActive.get()).isZero();
            assertThat(server.allocatedBytes()).as("no stream memory left").isEqualTo(server.cacheBytes());
            assertThat(allocator.getAllocatedMemory()).as("client side").isZero();
        } finally {
            server.close(); // the root allocator refuses to close over leaked buffers
        }
    }
}
