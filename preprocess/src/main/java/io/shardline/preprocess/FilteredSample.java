package io.shardline.preprocess;

import io.shardline.format.Modality;
import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SourceRef;
import io.shardline.ingest.TextSample;

/**
 * A valid record that preprocessing dropped, kept for audit when asked: which rule dropped it and its
 * content as it was ingested.
 *
 * @param reason the filter reason's code ({@code too-few-words}, {@code exact-duplicate}, ...)
 * @param payload the record's content: text as UTF-8 or image bytes (no sensor step drops readings)
 */
public record FilteredSample(String id, String source, long eventTime, Modality modality, String reason, byte[] payload,
        SourceRef ref, long ingestTime) {

    public static FilteredSample of(ImageSample s, String reason) {
        return new FilteredSample(s.id(), s.source(), s.eventTime(), Modality.IMAGE, reason, s.data(), s.ref(), s.ingestTime());
    }

    public static FilteredSample of(TextSample s, String reason) {
        return new FilteredSample(s.id(), s.source(), s.eventTime(), Modality.TEXT, reason, s.textUtf8(), s.ref(), s.ingestTime());
    }
}
