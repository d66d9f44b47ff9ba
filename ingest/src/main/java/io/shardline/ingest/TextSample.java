package io.shardline.ingest;

import java.nio.charset.StandardCharsets;

/**
 * A decoded text record. The text is kept as the UTF-8 bytes it arrived as (validated, JSON escapes
 * resolved): the pass-through path writes them to Parquet without decoding and re-encoding; {@link #text()}
 * decodes on demand. {@code eventTime} and {@code ingestTime} are epoch milliseconds (UTC).
 *
 * @param nearDuplicateOf the id of an earlier document this one nearly duplicates, when near-dedup flags
 *     rather than drops; else null
 */
public record TextSample(String id, String source, long eventTime, byte[] textUtf8, SourceRef ref, long ingestTime,
        String nearDuplicateOf) {

    public TextSample(String id, String source, long eventTime, byte[] textUtf8, SourceRef ref, long ingestTime) {
        this(id, source, eventTime, textUtf8, ref, ingestTime, null);
    }

    /** The same sample flagged as a near duplicate of {@code earlierId}. */
    public TextSample flaggedAsNearDuplicateOf(String earlierId) {
        return new TextSample(id, source, eventTime, textUtf8, ref, ingestTime, earlierId);
    }

    /** The text as a String, decoded from {@link #textUtf8()} on each call. */
    public String text() {
        return new String(textUtf8, StandardCharsets.UTF_8);
    }
}
