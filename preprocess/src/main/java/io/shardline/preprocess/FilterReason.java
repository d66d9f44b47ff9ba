package io.shardline.preprocess;

/**
 * Why preprocessing dropped a valid record. Filtered records are not errors: they decoded fine and failed a
 * quality or dedup rule. The {@link #code()} labels the {@code filtered} counter and the audit table.
 */
public enum FilterReason {
    TOO_FEW_CHARS("too-few-chars"),
    TOO_MANY_CHARS("too-many-chars"),
    TOO_FEW_WORDS("too-few-words"),
    TOO_MANY_WORDS("too-many-words"),
    MEAN_WORD_LENGTH("mean-word-length"),
    TOO_FEW_ALPHABETIC_WORDS("too-few-alphabetic-words"),
    DUPLICATE_LINES("duplicate-lines"),
    ELLIPSIS_LINES("ellipsis-lines"),
    /** Normalized text equal to that of an earlier record of the stream. */
    EXACT_DUPLICATE("exact-duplicate"),
    /** Estimated Jaccard similarity to an earlier record of the stream at or above the threshold. */
    NEAR_DUPLICATE("near-duplicate"),
    /** An image whose header declares more pixels than the cap: refused before decoding. */
    IMAGE_TOO_MANY_PIXELS("image-too-many-pixels"),
    /** An image that cannot be decoded: cut short, corrupt, or not the format it claims. */
    IMAGE_UNDECODABLE("image-undecodable"),
    /** An image whose decoding took longer than the time bound. */
    IMAGE_DECODE_TIMEOUT("image-decode-timeout"),
    /** A sensor reading whose channels differ from those of its device's series: kept as a reading, in no window. */
    SENSOR_CHANNELS_MISMATCH("sensor-channels-mismatch");

    private final String code;

    FilterReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
