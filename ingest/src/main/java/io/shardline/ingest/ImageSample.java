package io.shardline.ingest;

/**
 * An image record. As ingested: the encoded bytes as they arrived (JPEG or PNG, checked by magic number) and
 * the metadata from the record headers, the preprocessing fields null. After preprocessing, {@code data} is
 * the processed image in {@code imageFormat}, with its size, the original's size and a perceptual hash.
 *
 * @param contentType the content type the image arrived as
 * @param label may be null
 * @param imageFormat what {@code data} holds: a content type ({@code image/jpeg}) or {@code raw/rgb8} for
 *     uint8 pixels in height-width-channel order; null as ingested (then {@code data} is in {@code contentType})
 * @param width width of {@code data} in pixels, null as ingested
 * @param height height of {@code data} in pixels, null as ingested
 * @param originalWidth width of the image as it arrived (after EXIF orientation), null as ingested
 * @param originalHeight height of the image as it arrived (after EXIF orientation), null as ingested
 * @param dhash 64-bit difference hash of the image, null as ingested
 */
public record ImageSample(
        String id,
        String source,
        long eventTime,
        String contentType,
        String label,
        byte[] data,
        SourceRef ref,
        long ingestTime,
        String imageFormat,
        Integer width,
        Integer height,
        Integer originalWidth,
        Integer originalHeight,
        Long dhash) {

    /** An image as ingested. */
    public ImageSample(String id, String source, long eventTime, String contentType, String label, byte[] data, SourceRef ref,
            long ingestTime) {
        this(id, source, eventTime, contentType, label, data, ref, ingestTime, null, null, null, null, null, null);
    }

    /** The same record with the processed image. */
    public ImageSample processed(byte[] processed, String format, int w, int h, int originalW, int originalH, long hash) {
        return new ImageSample(id, source, eventTime, contentType, label, processed, ref, ingestTime, format, w, h, originalW,
                originalH, hash);
    }
}
