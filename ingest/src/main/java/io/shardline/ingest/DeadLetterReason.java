package io.shardline.ingest;

/**
 * Why a record went to the dead-letter topic. The {@link #code()} is machine-readable: it is the value of the
 * {@code shardline.dlq.reason} header and the label of the dead-letter counter.
 */
public enum DeadLetterReason {
    /** The value is larger than the modality's size limit. */
    RECORD_TOO_LARGE("record-too-large"),
    /** The value (or a header that must be text) is not valid UTF-8. */
    INVALID_UTF8("invalid-utf8"),
    /** The value is not a JSON object, or not well-formed JSON. */
    MALFORMED_JSON("malformed-json"),
    /** The JSON exceeds a parser limit: nesting depth, string, number or document length. */
    JSON_LIMIT_EXCEEDED("json-limit-exceeded"),
    /** A required field is absent. */
    MISSING_FIELD("missing-field"),
    /** A field has the wrong JSON type. */
    WRONG_TYPE("wrong-type"),
    /** A field has the right type but an unacceptable value (bad timestamp, too long an id, ...). */
    INVALID_VALUE("invalid-value"),
    /** The record has no value, or an empty one. */
    EMPTY_VALUE("empty-value"),
    /** A required header of an image record is absent. */
    MISSING_HEADER("missing-header"),
    /** An image's declared content type is not one shardline accepts. */
    UNKNOWN_CONTENT_TYPE("unknown-content-type"),
    /** An image's bytes do not start with the magic number of its declared content type. */
    CONTENT_TYPE_MISMATCH("content-type-mismatch"),
    /** The record came from a topic that is mapped to no modality. */
    UNKNOWN_TOPIC("unknown-topic"),
    /**
     * A sensor reading whose event time is behind the watermark: its window was already cut. The value is the
     * reading re-encoded as JSON (the decoded form; the original bytes are not kept past decoding).
     */
    LATE("late");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static DeadLetterReason fromCode(String code) {
        for (DeadLetterReason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown dead-letter reason '" + code + "'");
    }
}
