package io.shardline.preprocess;

import io.shardline.config.Settings;
import io.shardline.preprocess.internal.image.ImageTransform;

/**
 * The job's image steps outside a job (header check, decode, orientation, dHash, resize, crop, encode), set up
 * from the same options as {@link Preprocessing#image}: for benchmarks and tools that want what the job does to
 * one image.
 */
public final class ImageSteps {

    private final ImageTransform transform;

    private ImageSteps(ImageTransform transform) {
        this.transform = transform;
    }

    /** The steps as {@code conf} configures them ({@code shardline.preprocess.image.*}). */
    public static ImageSteps of(Settings conf) {
        return new ImageSteps(Preprocessing.imageTransform(conf));
    }

    /** Whether libjpeg-turbo is loaded in this JVM (else every codec setting means ImageIO). */
    public static boolean nativeCodecAvailable() {
        return ImageTransform.nativeCodecAvailable();
    }

    /** Whether these steps decode and encode with libjpeg-turbo. */
    public boolean usesNativeCodec() {
        return transform.usesNativeCodec();
    }

    /** Whether these steps decode PNGs with libspng. */
    public boolean usesNativePng() {
        return transform.usesNativePng();
    }

    /**
     * The image as the job writes it: its bytes in the configured output format.
     *
     * @throws IllegalArgumentException when the job would refuse it, with the reason
     */
    public byte[] apply(byte[] encoded) {
        try {
            return transform.apply(encoded).data();
        } catch (ImageTransform.Refused e) {
            throw new IllegalArgumentException("refused (" + e.reason().code() + "): " + e.getMessage(), e);
        }
    }
}
