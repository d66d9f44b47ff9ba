/**
 * The feeder: serves a pinned dataset version to training ranks over Arrow Flight, in a deterministic order,
 * with resume and backpressure. It reads manifests and shards through {@code io.shardline.format} and the
 * Hadoop FileSystem API only: no Flink and no Kafka on its class path, so that it stays a lean server
 * ({@code FeederClasspathTest} holds it to that).
 *
 * <p>Reading order: {@link io.shardline.feeder.FeedRequest} (what a rank asks for),
 * {@link io.shardline.feeder.internal.EpochPlan} (the epoch's order), {@link io.shardline.feeder.internal.RankSchedule} (a
 * rank's share), {@link io.shardline.feeder.internal.FeederProducer} and {@link io.shardline.feeder.internal.FeedStream} (the
 * Flight calls), {@link io.shardline.feeder.internal.ShardCache} and {@link io.shardline.feeder.internal.ShardDecoder} (shards
 * from storage to Arrow), {@link io.shardline.feeder.FeederServer} (wiring, options, {@code main}).
 */
package io.shardline.feeder;
