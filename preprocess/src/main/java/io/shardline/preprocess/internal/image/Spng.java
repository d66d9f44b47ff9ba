package io.shardline.preprocess.internal.image;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PNG decoding with libspng (Debian's {@code libspng0}) through JNA: any PNG (grayscale, palette, truecolour,
 * with or without alpha or a tRNS chunk, 1 to 16 bits, interlaced or not) straight to 8-bit RGB bytes,
 * transparency composited on white as the ImageIO path does. libspng inflates with zlib and unfilters with
 * SIMD, about twice as fast as the JDK's PNG reader.
 *
 * <p>Optional, like {@link TurboJpeg}: {@link #available()} is false when the library cannot be loaded, and
 * the caller uses ImageIO. A context is made per image (libspng reads one PNG per context); the input and
 * output buffers are per thread and reused.
 *
 * <p>Hostile input: the caller has checked the pixel cap against the header already, and it is checked again
 * against libspng's own reading of it; a stream cut short, a bad CRC of a critical chunk, or a corrupt
 * deflate stream is an error; ancillary chunks kept in memory (text, ICC profile, EXIF) are limited to
 * {@link #CHUNK_LIMIT} bytes in all, so that a compressed text chunk cannot inflate without bound.
 * Gamma (a {@code gAMA} chunk) is not applied, as neither ImageIO nor Pillow apply it.
 */
final class Spng {

    private static final Logger LOG = LoggerFactory.getLogger(Spng.class);

    // spng.h (0.7): output formats, decode flags, colour types, errors.
    static final int SPNG_FMT_RGBA8 = 1;
    static final int SPNG_FMT_RGB8 = 4;
    static final int SPNG_DECODE_TRNS = 1;
    static final int COLOR_GRAYSCALE_ALPHA = 4;
    static final int COLOR_TRUECOLOR_ALPHA = 6;
    /**
     * Limit on one chunk's length and on the memory libspng may keep for the ancillary chunks of one image
     * (libspng wants the first no larger than the second): 64 MiB, far above any real PNG's text, profile or
     * EXIF, and above the image data chunks of any image within a Kafka record.
     */
    static final long CHUNK_LIMIT = 64L << 20;
    /** {@code struct spng_ihdr}: two uint32 and five uint8, padded. */
    private static final int IHDR_SIZE = 16;
    /** {@code struct spng_trns}: four uint16, a uint32, 256 uint8. */
    private static final int TRNS_SIZE = 268;

    /** The functions used, mapped one to one; {@code size_t} is a C long on the platforms Flink runs on. */
    interface Api extends Library {
        Pointer spng_ctx_new(int flags);

        void spng_ctx_free(Pointer ctx);

        int spng_set_png_buffer(Pointer ctx, Pointer buf, NativeLong size);

        int spng_set_chunk_limits(Pointer ctx, NativeLong chunkSize, NativeLong cacheSize);

        int spng_get_ihdr(Pointer ctx, Pointer ihdr);

        int spng_get_trns(Pointer ctx, Pointer trns);

        int spng_decoded_image_size(Pointer ctx, int fmt, NativeLongByReference len);

        int spng_decode_image(Pointer ctx, Pointer out, NativeLong len, int fmt, int flags);

        String spng_strerror(int err);

        String spng_version_string();
    }

    /** A PNG libspng refused, with its message. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /** A pixel cap exceeded, by libspng's reading of the header. */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private static final Api API;
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    static {
        Api api = null;
        String why = null;
        // The development symlink libspng.so is absent unless libspng-dev is installed: try the soname too.
        for (String name : new String[] {"spng", "libspng.so.0"}) {
            try {
                api = Native.load(name, Api.class);
                why = api.spng_version_string();
                break;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                api = null;
                why = e.getMessage();
            }
        }
        API = api;
        if (api != null) {
            LOG.info("Images: PNG decoding uses libspng {} (native)", why);
        } else {
            LOG.info("Images: libspng could not be loaded ({}); PNGs are decoded by ImageIO, about half as fast."
                    + " Install it for the native path: apt-get install libspng0", why);
        }
    }

    private Spng() {}

    /** Whether the native library loaded in this JVM. */
    static boolean available() {
        return API != null;
    }

    /** Decodes to 8-bit RGB, transparency composited on white; refuses more than {@code maxPixels} pixels. */
    static RgbPixels decode(byte[] png, long maxPixels) throws Failure, TooLarge {
        Buffers b = BUFFERS.get();
        Pointer ctx = API.spng_ctx_new(0);
        if (ctx == null) {
            throw new IllegalStateException("libspng could not create a context (out of memory)");
        }
        try {
            check(API.spng_set_png_buffer(ctx, b.input(png), new NativeLong(png.length)));
            check(API.spng_set_chunk_limits(ctx, new NativeLong(CHUNK_LIMIT), new NativeLong(CHUNK_LIMIT)));
            check(API.spng_get_ihdr(ctx, b.ihdr));
            long width = b.ihdr.getInt(0) & 0xffffffffL;
            long height = b.ihdr.getInt(4) & 0xffffffffL;
            int colorType = b.ihdr.getByte(9) & 0xff;
            if (width * height > maxPixels) {
                throw new TooLarge(width + " x " + height + " pixels exceeds the cap of " + maxPixels);
            }
            boolean alpha = colorType == COLOR_GRAYSCALE_ALPHA || colorType == COLOR_TRUECOLOR_ALPHA
                    || API.spng_get_trns(ctx, b.trns) == 0;
            int fmt = alpha ? SPNG_FMT_RGBA8 : SPNG_FMT_RGB8;
            NativeLongByReference size = new NativeLongByReference();
            check(API.spng_decoded_image_size(ctx, fmt, size));
            long bytes = size.getValue().longValue();
            Pointer out = b.output(bytes);
            check(API.spng_decode_image(ctx, out, new NativeLong(bytes), fmt, alpha ? SPNG_DECODE_TRNS : 0));
            int w = (int) width;
            int h = (int) height;
            byte[] rgb = new byte[w * h * 3];
            if (!alpha) {
                out.read(0, rgb, 0, rgb.length);
            } else {
                compositeOnWhite(out, rgb, w * h);
            }
            return new RgbPixels(rgb, w, h);
        } finally {
            API.spng_ctx_free(ctx);
        }
    }

    /** RGBA over white into RGB ({@link RgbPixels#compositeOnWhite}), a run of pixels at a time out of native memory. */
    private static void compositeOnWhite(Pointer rgba, byte[] rgb, int pixels) {
        byte[] run = new byte[Math.min(pixels, 1 << 14) * 4];
        for (int p = 0; p < pixels; ) {
            int n = Math.min(pixels - p, run.length / 4);
            rgba.read(4L * p, run, 0, n * 4);
            RgbPixels.compositeOnWhite(run, 0, rgb, 3 * p, n);
            p += n;
        }
    }

    private static void check(int rc) throws Failure {
        if (rc != 0) {
            throw new Failure(API.spng_strerror(rc));
        }
    }

    /** One thread's native buffers (grown, never shrunk below what the largest image needed). */
    private static final class Buffers {
        final Memory ihdr = new Memory(IHDR_SIZE);
        final Memory trns = new Memory(TRNS_SIZE);
        private Memory input;
        private Memory output;

        Pointer input(byte[] png) {
            if (input == null || input.size() < png.length) {
                input = new Memory(Math.max(png.length, 1 << 16));
            }
            input.write(0, png, 0, png.length);
            return input;
        }

        Pointer output(long bytes) {
            if (output == null || output.size() < bytes) {
                output = new Memory(Math.max(bytes, 1 << 16));
            }
            return output;
        }
    }
}
