package io.shardline.preprocess.internal.image;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PNGs photographs come as, 8-bit truecolour with or without alpha and not interlaced, decoded with
 * libdeflate (Debian's {@code libdeflate0}) for the inflate and Java for the rest: libdeflate inflates in
 * one call into a buffer of the exact size the header implies, two to three times as fast as zlib, and the
 * scanlines are unfiltered straight into the RGB array.
 *
 * <p>It only ever accepts: {@link #decode} returns null for any other PNG (another colour type or depth,
 * interlaced, a {@code tRNS} chunk) and for anything it does not find exactly right (a bad CRC of a critical
 * chunk, a cut-short or corrupt stream, image data longer or shorter than the header says), and the caller
 * hands the file to libspng, which decodes it or refuses it with its reason. So this path changes the speed
 * of the common case, never which images are accepted.
 */
final class FastPng {

    private static final Logger LOG = LoggerFactory.getLogger(FastPng.class);

    private static final int LIBDEFLATE_SUCCESS = 0;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int IHDR = chunk("IHDR");
    private static final int IDAT = chunk("IDAT");
    private static final int IEND = chunk("IEND");
    private static final int TRNS = chunk("tRNS");

    /** libdeflate's whole-buffer zlib decompressor. */
    interface Api extends Library {
        Pointer libdeflate_alloc_decompressor();

        void libdeflate_free_decompressor(Pointer d);

        /** With {@code actualOut} NULL the output must fill {@code outAvail} exactly, else an error. */
        int libdeflate_zlib_decompress(Pointer d, Pointer in, NativeLong inBytes, Pointer out, NativeLong outAvail, Pointer actualOut);
    }

    private static final Api API;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final ThreadLocal<Session> SESSIONS = ThreadLocal.withInitial(Session::new);

    static {
        Api api = null;
        String why = null;
        for (String name : new String[] {"deflate", "libdeflate.so.0"}) {
            try {
                api = Native.load(name, Api.class);
                break;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                why = e.getMessage();
            }
        }
        API = api;
        if (api != null) {
            LOG.info("Images: 8-bit truecolour PNGs are inflated with libdeflate (native), other PNGs decoded by libspng");
        } else {
            LOG.info("Images: libdeflate could not be loaded ({}); every PNG is decoded by libspng or ImageIO, about 1.5 times"
                    + " slower on photographs. Install it for the fast path: apt-get install libdeflate0", why);
        }
    }

    private FastPng() {}

    static boolean available() {
        return API != null;
    }

    /** The image as RGB (alpha composited on white), or null when this path does not take it (see above). */
    static RgbPixels decode(byte[] png, long maxPixels) {
        if (png.length < 8 + 25 + 12 || !startsWithSignature(png) || int32(png, 12) != IHDR || int32(png, 8) != 13
                || !crcMatches(png, 12, 13)) {
            return null;
        }
        long width = int32(png, 16) & 0xffffffffL;
        long height = int32(png, 20) & 0xffffffffL;
        int depth = png[24];
        int colourType = png[25];
        if (depth != 8 || (colourType != 2 && colourType != 6) || png[26] != 0 || png[27] != 0 || png[28] != 0
                || width == 0 || height == 0 || width * height > maxPixels) {
            return null;
        }
        int bpp = colourType == 2 ? 3 : 4;
        long rawSize = height * (1 + width * bpp);
        if (rawSize > Integer.MAX_VALUE) {
            return null;
        }
        // The chunks: every IDAT's payload gathered into one zlib stream, CRCs of the critical ones checked.
        Session s = SESSIONS.get();
        Memory in = s.input(png.length);
        long gathered = 0;
        boolean seenData = false;
        boolean dataEnded = false;
        int p = 33;
        while (true) {
            if (p + 12 > png.length) {
                return null; // no IEND: cut short
            }
            long length = int32(png, p) & 0xffffffffL;
            int type = int32(png, p + 4);
            if (length > png.length - p - 12) {
                return null;
            }
            int n = (int) length;
            if (type == IDAT) {
                if (dataEnded || !crcMatches(png, p + 4, n)) {
                    return null;
                }
                in.write(gathered, png, p + 8, n);
                gathered += n;
                seenData = true;
            } else {
                dataEnded = seenData;
                if (type == IEND) {
                    if (!crcMatches(png, p + 4, n)) {
                        return null;
                    }
                    break;
                }
                // tRNS on truecolour means a colour key: libspng's; any other critical chunk: libspng's too.
                if (type == TRNS || (png[p + 4] & 0x20) == 0) {
                    return null;
                }
            }
            p += 12 + n;
        }
        if (!seenData) {
            return null;
        }
        Memory raw = s.output(rawSize);
        if (API.libdeflate_zlib_decompress(s.decompressor, in, new NativeLong(gathered), raw, new NativeLong(rawSize), null)
                != LIBDEFLATE_SUCCESS) {
            return null;
        }
        byte[] scanlines = s.scanlines((int) rawSize);
        raw.read(0, scanlines, 0, (int) rawSize);
        int w = (int) width;
        int h = (int) height;
        byte[] rgb = new byte[w * h * 3];
        return unfilter(scanlines, w, h, bpp, rgb) ? new RgbPixels(rgb, w, h) : null;
    }

    /**
     * Reverses the per-row filters (PNG's None, Sub, Up, Average, Paeth) into {@code rgb}, compositing alpha on
     * white when {@code bpp} is 4; false on a filter type that does not exist.
     */
    static boolean unfilter(byte[] raw, int w, int h, int bpp, byte[] rgb) {
        int stride = w * bpp;
        // RGB is unfiltered in place in the output (the previous row is the output's previous row); RGBA
        // through two rows of its own, then composited.
        byte[] cur = bpp == 3 ? rgb : new byte[stride];
        byte[] prev = bpp == 3 ? rgb : new byte[stride];
        for (int y = 0; y < h; y++) {
            int filter = raw[y * (stride + 1)];
            int src = y * (stride + 1) + 1;
            int at = bpp == 3 ? y * stride : 0;
            int up = bpp == 3 ? at - stride : 0;
            boolean first = y == 0;
            switch (filter) {
                case 0 -> System.arraycopy(raw, src, cur, at, stride);
                case 1 -> {
                    System.arraycopy(raw, src, cur, at, bpp);
                    for (int i = bpp; i < stride; i++) {
                        cur[at + i] = (byte) (raw[src + i] + cur[at + i - bpp]);
                    }
                }
                case 2 -> {
                    if (first) {
                        System.arraycopy(raw, src, cur, at, stride);
                    } else {
                        for (int i = 0; i < stride; i++) {
                            cur[at + i] = (byte) (raw[src + i] + prev[up + i]);
                        }
                    }
                }
                case 3 -> {
                    for (int i = 0; i < stride; i++) {
                        int left = i >= bpp ? cur[at + i - bpp] & 0xff : 0;
                        int above = first ? 0 : prev[up + i] & 0xff;
                        cur[at + i] = (byte) (raw[src + i] + ((left + above) >>> 1));
                    }
                }
                case 4 -> paeth(raw, src, cur, at, first ? null : prev, up, stride, bpp);
                default -> {
                    return false;
                }
            }
            if (bpp == 4) {
                RgbPixels.compositeOnWhite(cur, 0, rgb, y * w * 3, w);
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
        }
        return true;
    }

    /**
     * The Paeth filter, the one photographs are mostly written with: each byte predicted from its left, upper
     * and upper-left neighbours, whichever is closest to left + upper - upper-left. Written without branches
     * (the choice is data-dependent and would be mispredicted about half the time), with the left and
     * upper-left bytes carried in locals from pixel to pixel.
     *
     * @param prev the previous unfiltered row, or null for the first row (then upper and upper-left are 0)
     */
    static void paeth(byte[] raw, int src, byte[] cur, int at, byte[] prev, int up, int stride, int bpp) {
        // The channels of a pixel are independent chains: done side by side, so that the CPU overlaps them.
        int a0 = 0;
        int a1 = 0;
        int a2 = 0;
        int a3 = 0;
        int c0 = 0;
        int c1 = 0;
        int c2 = 0;
        int c3 = 0;
        for (int i = 0; i < stride; i += bpp) {
            int b0 = prev == null ? 0 : prev[up + i] & 0xff;
            int b1 = prev == null ? 0 : prev[up + i + 1] & 0xff;
            int b2 = prev == null ? 0 : prev[up + i + 2] & 0xff;
            a0 = (raw[src + i] + predict(a0, b0, c0)) & 0xff;
            a1 = (raw[src + i + 1] + predict(a1, b1, c1)) & 0xff;
            a2 = (raw[src + i + 2] + predict(a2, b2, c2)) & 0xff;
            cur[at + i] = (byte) a0;
            cur[at + i + 1] = (byte) a1;
            cur[at + i + 2] = (byte) a2;
            c0 = b0;
            c1 = b1;
            c2 = b2;
            if (bpp == 4) {
                int b3 = prev == null ? 0 : prev[up + i + 3] & 0xff;
                a3 = (raw[src + i + 3] + predict(a3, b3, c3)) & 0xff;
                cur[at + i + 3] = (byte) a3;
                c3 = b3;
            }
        }
    }

    /** Paeth's predictor, without branches: a, b or c, whichever is closest to a + b - c (ties to a, then b). */
    private static int predict(int a, int b, int c) {
        int pa = Math.abs(b - c);
        int pb = Math.abs(a - c);
        int pc = Math.abs(a + b - 2 * c);
        int notA = ((pb - pa) | (pc - pa)) >> 31; // -1 unless pa <= pb and pa <= pc
        int cOverB = (pc - pb) >> 31;             // -1 when pc < pb
        return (a & ~notA) | (((b & ~cOverB) | (c & cOverB)) & notA);
    }

    private static boolean startsWithSignature(byte[] png) {
        for (int i = 0; i < 8; i++) {
            if (png[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the CRC after the {@code length} bytes of data (which follow the type at {@code typeAt}) matches. */
    private static boolean crcMatches(byte[] png, int typeAt, int length) {
        int crcAt = typeAt + 4 + length;
        if (crcAt + 4 > png.length) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(png, typeAt, 4 + length);
        return (int) crc.getValue() == int32(png, crcAt);
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static int chunk(String type) {
        return type.charAt(0) << 24 | type.charAt(1) << 16 | type.charAt(2) << 8 | type.charAt(3);
    }

    /** One thread's decompressor and buffers (grown, never shrunk below what the largest image needed). */
    private static final class Session {
        static final int KEPT_SCANLINES = 16 << 20;
        final Pointer decompressor;
        private Memory input;
        private Memory output;
        private byte[] scanlines;

        Session() {
            decompressor = API.libdeflate_alloc_decompressor();
            if (decompressor == null) {
                throw new IllegalStateException("libdeflate could not allocate a decompressor (out of memory)");
            }
            Pointer d = decompressor;
            CLEANER.register(this, () -> API.libdeflate_free_decompressor(d));
        }

        Memory input(long bytes) {
            if (input == null || input.size() < bytes) {
                input = new Memory(Math.max(bytes, 1 << 16));
            }
            return input;
        }

        Memory output(long bytes) {
            if (output == null || output.size() < bytes) {
                output = new Memory(Math.max(bytes, 1 << 16));
            }
            return output;
        }

        /** Kept for the next image up to 16 MiB (a 2,000 x 2,000 RGBA image); a larger one's is left to the GC. */
        byte[] scanlines(int bytes) {
            if (bytes > KEPT_SCANLINES) {
                return new byte[bytes];
            }
            if (scanlines == null || scanlines.length < bytes) {
                scanlines = new byte[bytes];
            }
            return scanlines;
        }
    }
}
