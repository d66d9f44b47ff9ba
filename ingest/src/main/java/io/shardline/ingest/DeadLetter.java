package io.shardline.ingest;

/**
 * A record that could not become a sample, kept whole: the raw key and value bytes, the original headers
 * ({@code headerKeys[i]} has value {@code headerValues[i]}), where it came from and why it was rejected.
 *
 * @param reason machine-readable reason code, see {@link DeadLetterReason#code()}
 * @param errorClass class of the exception that rejected it, or of the validator
 * @param errorMessage what was wrong, for a person
 */
public record DeadLetter(
        String reason,
        String errorClass,
        String errorMessage,
        SourceRef ref,
        byte[] key,
        byte[] value,
        String[] headerKeys,
        byte[][] headerValues) {

    /** Header names added to dead-letter records, beside the original headers. */
    public static final String HEADER_PREFIX = "shardline.dlq.";
    public static final String HEADER_REASON = "shardline.dlq.reason";
    public static final String HEADER_ERROR_CLASS = "shardline.dlq.error.class";
    public static final String HEADER_ERROR_MESSAGE = "shardline.dlq.error.message";
    public static final String HEADER_SOURCE_TOPIC = "shardline.dlq.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "shardline.dlq.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "shardline.dlq.source.offset";
    public static final String HEADER_SOURCE_TIMESTAMP = "shardline.dlq.source.timestamp";
}
