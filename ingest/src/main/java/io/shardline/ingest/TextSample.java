package io.shardline.ingest;

/** A decoded text record. {@code eventTime} and {@code ingestTime} are epoch milliseconds (UTC). */
public record TextSample(String id, String source, long eventTime, String text, SourceRef ref, long ingestTime) {}
