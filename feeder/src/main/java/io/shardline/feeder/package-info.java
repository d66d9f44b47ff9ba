/**
 * The feeder: serves a pinned dataset version to training ranks over Arrow Flight, in a deterministic order,
 * with resume and backpressure. It reads manifests and shards through {@code io.shardline.format} and the
 * Hadoop FileSystem API only: no Flink and no Kafka on its class path, so that it stays a lean server
 * ({@code FeederClasspathTest} holds it to that).
 *
 * <p>The server itself is not written yet; this module fixes its place and its dependency rule.
 */
package io.shardline.feeder;
