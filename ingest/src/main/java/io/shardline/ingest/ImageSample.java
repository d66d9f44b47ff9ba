package io.shardline.ingest;

/**
 * A decoded image record: the encoded bytes as they arrived (JPEG or PNG, checked by magic number) and the
 * metadata from the record headers. {@code label} may be null.
 */
public record ImageSample(
        String id,
        String source,
        long eventTime,
        String contentType,
        String label,
        byte[] data,
        SourceRef ref,
        long ingestTime) {}
