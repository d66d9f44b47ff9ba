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
    NEAR_DUPLICATE("near-duplicate");

    private final String code;

    FilterReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
