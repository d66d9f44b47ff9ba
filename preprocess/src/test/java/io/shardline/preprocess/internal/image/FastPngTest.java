package io.shardline.preprocess.internal.image;

import static io.shardline.localstack.SyntheticImages.encode;
import static io.shardline.localstack.SyntheticImages.photo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The libdeflate path for 8-bit truecolour PNGs gives libspng's pixels exactly, for every filter type, and
 * takes nothing it cannot do right: other layouts and damaged files go to libspng. Needs both libraries,
 * which CI installs; {@link PngCodecTest} checks that they load where installed.
 */
class FastPngTest {

    static void assumeLibraries() {
        assumeTrue(FastPng.available() && Spng.available(), "libdeflate and libspng installed");
    }

    @Test
    void everyFilterTypeIsUndoneAsLibspngDoesIt() throws Exception {
        assumeLibraries();
        for (int bpp : new int[] {3, 4}) {
            for (int filter = 0; filter <= 5; filter++) { // 5: each row another filter
                byte[] png = filtered(61, 37, bpp, filter, 11 + filter);
                RgbPixels fast = FastPng.decode(png, Long.MAX_VALUE);
                assertThat(fast).as("bpp %d filter %d taken", bpp, filter).isNotNull();
                assertThat(fast.rgb()).as("bpp %d filter %d", bpp, filter).isEqualTo(Spng.decode(png, Long.MAX_VALUE).rgb());
            }
        }
    }

    @Test
    void realAndWrittenPngsDecodeAsWithLibspng() throws Exception {
        assumeLibraries();
        byte[] chelsea = Files.readAllBytes(NativeCodecTest.PHOTOS.resolve("chelsea.png"));
        assertThat(FastPng.decode(chelsea, Long.MAX_VALUE).rgb()).isEqualTo(Spng.decode(chelsea, Long.MAX_VALUE).rgb());
        for (Map.Entry<String, byte[]> kind : PngCodecTest.everyKind().entrySet()) {
            RgbPixels fast = FastPng.decode(kind.getValue(), Long.MAX_VALUE);
            boolean taken = kind.getKey().equals("truecolour 8-bit") || kind.getKey().equals("truecolour with alpha");
            assertThat(fast != null).as("%s taken", kind.getKey()).isEqualTo(taken);
            if (fast != null) {
                assertThat(fast.rgb()).as(kind.getKey()).isEqualTo(Spng.decode(kind.getValue(), Long.MAX_VALUE).rgb());
            }
        }
    }

    @Test
    void damagedFilesAndTheCapAreLeftToLibspng() throws Exception {
        assumeLibraries();
        byte[] png = encode(photo(120, 80, 5), "png");
        assertThat(FastPng.decode(png, Long.MAX_VALUE)).isNotNull();
        assertThat(FastPng.decode(Arrays.copyOf(png, png.length - 1), Long.MAX_VALUE)).as("cut short").isNull();
        assertThat(FastPng.decode(Arrays.copyOf(png, png.length / 2), Long.MAX_VALUE)).as("cut in half").isNull();
        byte[] badCrc = png.clone();
        badCrc[png.length / 2] ^= 1;
        assertThat(FastPng.decode(badCrc, Long.MAX_VALUE)).as("a flipped bit").isNull();
        assertThat(FastPng.decode(png, 120 * 80 - 1)).as("over the pixel cap").isNull();
        assertThat(FastPng.decode(filtered(20, 10, 3, 0, 1), Long.MAX_VALUE)).isNotNull();
        byte[] badFilter = withScanlines(20, 10, 3, scanlines(20, 10, 3, 0, 1, 9));
        assertThat(FastPng.decode(badFilter, Long.MAX_VALUE)).as("filter type 9").isNull();
    }

    /** A PNG of random-ish smooth pixels whose rows use {@code filter} (5: 0 to 4 in turn). */
    static byte[] filtered(int w, int h, int bpp, int filter, long seed) {
        return withScanlines(w, h, bpp, scanlines(w, h, bpp, filter, seed, -1));
    }

    /** Filtered scanlines; {@code forced} >= 0 writes that filter byte on row 3 whatever it is. */
    static byte[] scanlines(int w, int h, int bpp, int filter, long seed, int forced) {
        SplittableRandom r = new SplittableRandom(seed);
        int stride = w * bpp;
        byte[][] rows = new byte[h][stride];
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < stride; i++) {
                int smooth = (i / bpp * 3 + y * 5 + (i % bpp) * 40) & 0xff;
                rows[y][i] = (byte) (smooth + r.nextInt(24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            int f = filter == 5 ? y % 5 : filter;
            out.write(forced >= 0 && y == 3 ? forced : f);
            for (int i = 0; i < stride; i++) {
                int x = rows[y][i] & 0xff;
                int a = i >= bpp ? rows[y][i - bpp] & 0xff : 0;
                int b = y > 0 ? rows[y - 1][i] & 0xff : 0;
                int c = i >= bpp && y > 0 ? rows[y - 1][i - bpp] & 0xff : 0;
                int predicted = switch (f) {
                    case 0 -> 0;
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) / 2;
                    default -> {
                        int p = a + b - c;
                        int pa = Math.abs(p - a);
                        int pb = Math.abs(p - b);
                        int pc = Math.abs(p - c);
                        yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    }
                };
                out.write((x - predicted) & 0xff);
            }
        }
        return out.toByteArray();
    }

    static byte[] withScanlines(int w, int h, int bpp, byte[] scanlines) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        int32(ihdr, w);
        int32(ihdr, h);
        ihdr.writeBytes(new byte[] {8, (byte) (bpp == 3 ? 2 : 6), 0, 0, 0});
        chunk(png, "IHDR", ihdr.toByteArray());
        Deflater d = new Deflater();
        d.setInput(scanlines);
        d.finish();
        byte[] buf = new byte[scanlines.length + 1024];
        int n = d.deflate(buf);
        // Two IDAT chunks: the stream is gathered across them.
        chunk(png, "IDAT", Arrays.copyOfRange(buf, 0, n / 2));
        chunk(png, "IDAT", Arrays.copyOfRange(buf, n / 2, n));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        int32(out, data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        int32(out, (int) crc.getValue());
    }

    static void int32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
