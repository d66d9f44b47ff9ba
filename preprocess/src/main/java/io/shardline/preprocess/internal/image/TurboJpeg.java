package io.shardline.preprocess.internal.image;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libjpeg-turbo's TurboJPEG API (version 2.x, Debian's {@code libturbojpeg0}) through JNA: JPEG decoding
 * straight to RGB bytes with scaling in the DCT domain, and JPEG encoding from RGB bytes. Several times
 * faster than the JDK's codec on photographs, and the scaled decode skips most of the work for a large
 * image that is about to be shrunk anyway.
 *
 * <p>The library is optional: {@link #available()} is false when it cannot be loaded, and the caller uses
 * ImageIO instead. Which of the two is in use is logged once per JVM.
 *
 * <p>TurboJPEG handles are not thread-safe, so each thread gets its own decompressor and compressor (and
 * native buffers, reused from image to image); they are destroyed when the thread's state is collected.
 * Only the constants and signatures of {@code turbojpeg.h} from libjpeg-turbo 2.1 are used, all of which
 * later versions keep.
 */
final class TurboJpeg {

    private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);

    // turbojpeg.h: pixel formats (enum TJPF), subsampling (enum TJSAMP), colour spaces (enum TJCS), flags, errors.
    static final int TJPF_RGB = 0;
    static final int TJSAMP_420 = 2;
    static final int TJCS_CMYK = 3;
    static final int TJCS_YCCK = 4;
    /** Stop at the first warning (a truncated or corrupt stream) instead of returning a grey-filled image. */
    static final int TJFLAG_STOPONWARNING = 8192;
    /** Refuse progressive JPEGs with an unreasonable number of scans (a CPU bomb). */
    static final int TJFLAG_LIMITSCANS = 32768;
    static final int TJERR_WARNING = 0;

    /** The functions used, mapped one to one; {@code unsigned long} is a C long, so NativeLong. */
    interface Api extends Library {
        Pointer tjInitDecompress();

        Pointer tjInitCompress();

        int tjDecompressHeader3(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, IntByReference width, IntByReference height,
                IntByReference jpegSubsamp, IntByReference jpegColorspace);

        /** An array of {@code struct {int num; int denom;}}. */
        Pointer tjGetScalingFactors(IntByReference numScalingFactors);

        int tjDecompress2(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer dstBuf, int width, int pitch, int height,
                int pixelFormat, int flags);

        int tjCompress2(Pointer handle, Pointer srcBuf, int width, int pitch, int height, int pixelFormat, PointerByReference jpegBuf,
                NativeLongByReference jpegSize, int jpegSubsamp, int jpegQual, int flags);

        void tjFree(Pointer buffer);

        int tjDestroy(Pointer handle);

        String tjGetErrorStr2(Pointer handle);

        int tjGetErrorCode(Pointer handle);
    }

    /** A decode or encode the library refused; {@code warning} when it was a warning made fatal (truncated data). */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean warning;

        Failure(String message, boolean warning) {
            super(message);
            this.warning = warning;
        }
    }

    /** What the JPEG's header says, as TurboJPEG reads it. */
    record Header(int width, int height, int colorspace) {}

    /** Decoded pixels: {@code width * height * 3} bytes, R G B per pixel, row by row. */
    record Decoded(byte[] rgb, int width, int height) {}

    private static final Api API;
    /** Supported scaling factors as {num, denom}, from the library itself (2/1 down to 1/8 in 2.x). */
    private static final int[][] SCALES;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final ThreadLocal<Session> SESSIONS = ThreadLocal.withInitial(Session::new);

    static {
        Api api = null;
        int[][] scales = new int[0][];
        String why = null;
        // The development symlink libturbojpeg.so is absent unless libturbojpeg0-dev is installed: try the soname too.
        for (String name : new String[] {"turbojpeg", "libturbojpeg.so.0"}) {
            try {
                api = Native.load(name, Api.class);
                IntByReference n = new IntByReference();
                Pointer factors = api.tjGetScalingFactors(n);
                scales = new int[n.getValue()][];
                for (int i = 0; i < scales.length; i++) {
                    scales[i] = new int[] {factors.getInt(8L * i), factors.getInt(8L * i + 4)};
                }
                break;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                api = null;
                why = e.getMessage();
            }
        }
        API = api;
        SCALES = scales;
        if (api != null) {
            LOG.info("Images: JPEG decoding and all JPEG encoding use libjpeg-turbo (TurboJPEG, native)");
        } else {
            LOG.info("Images: libjpeg-turbo's TurboJPEG library could not be loaded ({}); decoding and encoding use ImageIO, about"
                    + " 2 to 4 times slower on photographs. Install it for the native path: apt-get install libturbojpeg0", why);
        }
    }

    private TurboJpeg() {}

    /** Whether the native library loaded in this JVM. */
    static boolean available() {
        return API != null;
    }

    static Header header(byte[] jpeg) throws Failure {
        Session s = SESSIONS.get();
        Pointer in = s.input(jpeg);
        IntByReference w = new IntByReference();
        IntByReference h = new IntByReference();
        IntByReference subsamp = new IntByReference();
        IntByReference colorspace = new IntByReference();
        if (API.tjDecompressHeader3(s.decompressor, in, new NativeLong(jpeg.length), w, h, subsamp, colorspace) != 0) {
            throw s.failure(s.decompressor);
        }
        return new Header(w.getValue(), h.getValue(), colorspace.getValue());
    }

    /**
     * The smallest of the library's scales (num/denom, at most 1) whose output still has a shorter side of at
     * least {@code minShorterSide}; {num, denom} = {1, 1} when no smaller one does, or when 0 is asked for.
     */
    static int[] scaleFor(int width, int height, int minShorterSide) {
        int[] best = {1, 1};
        if (minShorterSide <= 0) {
            return best;
        }
        for (int[] f : SCALES) {
            if (f[0] > f[1]) {
                continue; // never upscale
            }
            int shorter = Math.min(scaled(width, f), scaled(height, f));
            if (shorter >= minShorterSide && (long) f[0] * best[1] < (long) best[0] * f[1]) {
                best = f;
            }
        }
        return best;
    }

    /** TJSCALED: ceil(dimension * num / denom), as the library computes output sizes. */
    static int scaled(int dimension, int[] factor) {
        return (int) (((long) dimension * factor[0] + factor[1] - 1) / factor[1]);
    }

    /**
     * Decodes to RGB at {@code factor} (one of {@link #scaleFor}'s), refusing a stream with a warning (cut
     * short, corrupt) and a progressive stream with an unreasonable number of scans.
     */
    static Decoded decode(byte[] jpeg, Header header, int[] factor) throws Failure {
        Session s = SESSIONS.get();
        Pointer in = s.input(jpeg);
        int w = scaled(header.width(), factor);
        int h = scaled(header.height(), factor);
        Pointer out = s.output((long) w * h * 3);
        if (API.tjDecompress2(s.decompressor, in, new NativeLong(jpeg.length), out, w, w * 3, h, TJPF_RGB,
                TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0) {
            throw s.failure(s.decompressor);
        }
        byte[] rgb = new byte[w * h * 3];
        out.read(0, rgb, 0, rgb.length);
        return new Decoded(rgb, w, h);
    }

    /** JPEG with 4:2:0 chroma subsampling (as the JDK's encoder and Pillow write by default) at {@code quality} 1 to 100. */
    static byte[] encode(byte[] rgb, int width, int height, int quality) throws Failure {
        Session s = SESSIONS.get();
        Pointer src = s.output((long) width * height * 3);
        src.write(0, rgb, 0, width * height * 3);
        PointerByReference buffer = new PointerByReference(); // NULL: the library allocates the output
        NativeLongByReference size = new NativeLongByReference(new NativeLong(0));
        try {
            if (API.tjCompress2(s.compressor, src, width, width * 3, height, TJPF_RGB, buffer, size, TJSAMP_420, quality, 0) != 0) {
                throw s.failure(s.compressor);
            }
            return buffer.getValue().getByteArray(0, (int) size.getValue().longValue());
        } finally {
            if (buffer.getValue() != null) {
                API.tjFree(buffer.getValue());
            }
        }
    }

    /** One thread's handles and native buffers (grown, never shrunk below what the largest image needed). */
    private static final class Session {
        final Pointer decompressor;
        final Pointer compressor;
        private Memory input;
        private Memory output;

        Session() {
            decompressor = API.tjInitDecompress();
            compressor = API.tjInitCompress();
            if (decompressor == null || compressor == null) {
                throw new IllegalStateException("TurboJPEG could not create its handles: " + API.tjGetErrorStr2(null));
            }
            Pointer d = decompressor;
            Pointer c = compressor;
            // The handles outlive no thread: destroyed once this session is unreachable (its thread gone).
            CLEANER.register(this, () -> {
                API.tjDestroy(d);
                API.tjDestroy(c);
            });
        }

        Pointer input(byte[] jpeg) {
            if (input == null || input.size() < jpeg.length) {
                input = new Memory(Math.max(jpeg.length, 1 << 16));
            }
            input.write(0, jpeg, 0, jpeg.length);
            return input;
        }

        Pointer output(long bytes) {
            if (output == null || output.size() < bytes) {
                output = new Memory(Math.max(bytes, 1 << 16));
            }
            return output;
        }

        Failure failure(Pointer handle) {
            return new Failure(API.tjGetErrorStr2(handle), API.tjGetErrorCode(handle) == TJERR_WARNING);
        }
    }
}
