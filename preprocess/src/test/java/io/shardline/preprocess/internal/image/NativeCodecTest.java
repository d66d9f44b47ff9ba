package io.shardline.preprocess.internal.image;

import static io.shardline.localstack.SyntheticImages.encode;
import static io.shardline.localstack.SyntheticImages.photo;
import static io.shardline.localstack.SyntheticImages.withOrientation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.preprocess.FilterReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The libjpeg-turbo path against the ImageIO path, on real photographs and hostile files. Where the library
 * is not installed, AUTO is the ImageIO path: the comparisons then hold trivially and the test checks that
 * this is what is reported. Where it is installed (CI), it must be the path in use.
 */
class NativeCodecTest {

    /** The real photographs of the pipeline's tests (see PROVENANCE.md there). */
    static final Path PHOTOS = Path.of("..", "pipeline", "src", "test", "resources", "real-data", "images");

    static ImageTransform transform(ImageTransform.Codec codec, int side, ImageTransform.Output output) {
        return new ImageTransform(64_000_000L, Duration.ofSeconds(5), side, false, output, 90, codec);
    }

    static ImageTransform.Refused refusal(ImageTransform t, byte[] image) {
        try {
            t.apply(image);
        } catch (ImageTransform.Refused r) {
            return r;
        }
        throw new AssertionError("accepted");
    }

    static boolean libraryInstalled() {
        return installed("libturbojpeg.so.0");
    }

    /** Whether a shared library is in one of the usual library folders. */
    static boolean installed(String soname) {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib")) {
            if (Files.exists(Path.of(dir, soname))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void thePathInUseIsTheNativeOneWhereTheLibraryIsInstalled() {
        assertThat(ImageTransform.nativeCodecAvailable()).isEqualTo(libraryInstalled());
        assertThat(transform(ImageTransform.Codec.AUTO, 256, ImageTransform.Output.JPEG).usesNativeCodec()).isEqualTo(libraryInstalled());
        assertThat(transform(ImageTransform.Codec.IMAGEIO, 256, ImageTransform.Output.JPEG).usesNativeCodec()).isFalse();
    }

    static List<byte[]> realPhotos() throws Exception {
        byte[] hubble = Files.readAllBytes(PHOTOS.resolve("hubble_deep_field.jpg"));
        BufferedImage chelsea = ImageIO.read(PHOTOS.resolve("chelsea.png").toFile());
        return List.of(hubble, Files.readAllBytes(PHOTOS.resolve("chelsea.png")), encode(chelsea, "jpeg"),
                withOrientation(hubble, 6));
    }

    @Test
    void bothPathsGiveTheSameSizeAndCloseContentOnRealPhotographs() throws Exception {
        for (byte[] photo : realPhotos()) {
            ImageTransform.Result viaNative = transform(ImageTransform.Codec.AUTO, 256, ImageTransform.Output.RAW_RGB).apply(photo);
            ImageTransform.Result viaImageIo = transform(ImageTransform.Codec.IMAGEIO, 256, ImageTransform.Output.RAW_RGB).apply(photo);
            assertThat(viaNative.width()).isEqualTo(viaImageIo.width());
            assertThat(viaNative.height()).isEqualTo(viaImageIo.height());
            assertThat(Math.min(viaNative.width(), viaNative.height())).isEqualTo(256);
            assertThat(viaNative.originalWidth()).isEqualTo(viaImageIo.originalWidth());
            assertThat(viaNative.originalHeight()).isEqualTo(viaImageIo.originalHeight());
            // Other decoder, resampler (and DCT scaling): not the same bytes, but the same picture.
            assertThat(psnr(viaNative.data(), viaImageIo.data())).isGreaterThan(30);
            assertThat(Math.abs(mean(viaNative.data()) - mean(viaImageIo.data()))).isLessThan(2);
            assertThat(Long.bitCount(viaNative.dhash() ^ viaImageIo.dhash())).isLessThanOrEqualTo(3);

            ImageTransform.Result jpeg = transform(ImageTransform.Codec.AUTO, 256, ImageTransform.Output.JPEG).apply(photo);
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg.data()));
            assertThat(decoded.getWidth()).isEqualTo(viaImageIo.width());
            assertThat(decoded.getHeight()).isEqualTo(viaImageIo.height());
            assertThat(psnr(ImageTransform.rawRgb(ImageTransform.rgb(decoded)), viaImageIo.data())).isGreaterThan(28);
        }
    }

    @ParameterizedTest
    @EnumSource(ImageTransform.Codec.class)
    void truncatedAndGarbledJpegsAreRefused(ImageTransform.Codec codec) throws Exception {
        ImageTransform t = transform(codec, 256, ImageTransform.Output.JPEG);
        byte[] jpeg = Files.readAllBytes(PHOTOS.resolve("hubble_deep_field.jpg"));
        assertThat(refusal(t, Arrays.copyOf(jpeg, jpeg.length / 2)).reason()).isEqualTo(FilterReason.IMAGE_UNDECODABLE);
        byte[] garbage = Arrays.copyOf(jpeg, 2000 + 1000);
        Arrays.fill(garbage, 2000, garbage.length, (byte) 0x5a); // headers, then noise
        assertThat(refusal(t, garbage).reason()).isEqualTo(FilterReason.IMAGE_UNDECODABLE);
        byte[] headerOnly = Arrays.copyOf(jpeg, 700);
        assertThat(refusal(t, headerOnly).reason()).isEqualTo(FilterReason.IMAGE_UNDECODABLE);
    }

    @ParameterizedTest
    @EnumSource(ImageTransform.Codec.class)
    void aJpegDeclaringTooManyPixelsIsRefusedBeforeDecoding(ImageTransform.Codec codec) throws Exception {
        byte[] bomb = encode(photo(64, 48, 1), "jpeg");
        // Rewrite the frame header's height and width to 60,000 x 60,000 (3.6 gigapixels).
        for (int p = 2; p + 9 < bomb.length; ) {
            int marker = bomb[p + 1] & 0xff;
            int length = ((bomb[p + 2] & 0xff) << 8) | (bomb[p + 3] & 0xff);
            if (marker == 0xc0 || marker == 0xc2) {
                bomb[p + 5] = (byte) (60_000 >> 8);
                bomb[p + 6] = (byte) (60_000 & 0xff);
                bomb[p + 7] = (byte) (60_000 >> 8);
                bomb[p + 8] = (byte) (60_000 & 0xff);
                break;
            }
            p += 2 + length;
        }
        assertThat(ImageHeader.read(bomb).pixels()).isEqualTo(3_600_000_000L);
        assertThat(refusal(transform(codec, 256, ImageTransform.Output.JPEG), bomb).reason()).isEqualTo(FilterReason.IMAGE_TOO_MANY_PIXELS);
    }

    /**
     * A progressive JPEG whose last scan is repeated 2,000 times: a small file that makes a decoder redo its
     * refinement work per scan. The native decoder refuses it (libjpeg-turbo's scan limit, or the warning of
     * a bogus progression, each fatal here) without the work; ImageIO, which has no scan limit, still ends
     * within the time bound, decoded or refused.
     */
    @ParameterizedTest
    @EnumSource(ImageTransform.Codec.class)
    void aProgressiveScanBombIsRefusedOrBounded(ImageTransform.Codec codec) throws Exception {
        byte[] progressive = progressiveJpeg(ImageIO.read(PHOTOS.resolve("chelsea.png").toFile()));
        // The last SOS segment, from its marker to the EOI marker at the end, repeated before EOI.
        int lastScan = -1;
        for (int p = 2; p + 1 < progressive.length; p++) {
            if ((progressive[p] & 0xff) == 0xff && (progressive[p + 1] & 0xff) == 0xda) {
                lastScan = p;
            }
        }
        assertThat(lastScan).isPositive();
        byte[] scan = Arrays.copyOfRange(progressive, lastScan, progressive.length - 2);
        java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
        bomb.write(progressive, 0, progressive.length - 2);
        for (int i = 0; i < 2_000; i++) {
            bomb.write(scan);
        }
        bomb.write(0xff);
        bomb.write(0xd9);
        ImageTransform t = new ImageTransform(64_000_000L, Duration.ofSeconds(5), 256, false, ImageTransform.Output.JPEG, 90, codec);
        long start = System.nanoTime();
        try {
            t.apply(bomb.toByteArray());
            assertThat(t.usesNativeCodec()).as("accepted only by ImageIO").isFalse();
        } catch (ImageTransform.Refused r) {
            assertThat(r.reason()).isIn(FilterReason.IMAGE_UNDECODABLE, FilterReason.IMAGE_DECODE_TIMEOUT);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        if (t.usesNativeCodec()) {
            assertThat(refusal(t, bomb.toByteArray()).reason()).isEqualTo(FilterReason.IMAGE_UNDECODABLE);
        }
    }

    static byte[] progressiveJpeg(BufferedImage image) throws Exception {
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.MemoryCacheImageOutputStream out = new javax.imageio.stream.MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            javax.imageio.ImageWriteParam p = writer.getDefaultWriteParam();
            p.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(ImageTransform.Codec.class)
    void aDecodeOverItsTimeBoundIsRefusedOnBothPaths(ImageTransform.Codec codec) throws Exception {
        ImageTransform hurried = new ImageTransform(64_000_000L, Duration.ZERO, 256, false, ImageTransform.Output.JPEG, 90, codec);
        byte[] jpeg = Files.readAllBytes(PHOTOS.resolve("hubble_deep_field.jpg"));
        assertThat(refusal(hurried, jpeg).reason()).isEqualTo(FilterReason.IMAGE_DECODE_TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(ImageTransform.Codec.class)
    void grayscaleJpegsComeOutAsGreyRgb(ImageTransform.Codec codec) throws Exception {
        BufferedImage colour = ImageIO.read(PHOTOS.resolve("chelsea.png").toFile());
        BufferedImage grey = new BufferedImage(colour.getWidth(), colour.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(colour, 0, 0, null);
        ImageTransform.Result r = transform(codec, 128, ImageTransform.Output.RAW_RGB).apply(encode(grey, "jpeg"));
        assertThat(Math.min(r.width(), r.height())).isEqualTo(128);
        byte[] px = r.data();
        for (int i = 0; i < px.length; i += 3 * 97) {
            assertThat(Math.abs((px[i] & 0xff) - (px[i + 1] & 0xff))).isLessThanOrEqualTo(1);
            assertThat(Math.abs((px[i + 2] & 0xff) - (px[i + 1] & 0xff))).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void cmykJpegsAreConvertedToRgbOnBothPaths() throws Exception {
        byte[] cmyk;
        try (InputStream in = NativeCodecTest.class.getResourceAsStream("cmyk-16x16.jpg")) {
            cmyk = in.readAllBytes(); // 16 x 16, Adobe CMYK (0, 128, 255, 30): an orange; written by Pillow
        }
        ImageTransform.Result viaAuto = transform(ImageTransform.Codec.AUTO, 256, ImageTransform.Output.RAW_RGB).apply(cmyk);
        ImageTransform.Result viaImageIo = transform(ImageTransform.Codec.IMAGEIO, 256, ImageTransform.Output.RAW_RGB).apply(cmyk);
        assertThat(viaAuto.data()).isEqualTo(viaImageIo.data());
        int centre = (8 * 16 + 8) * 3;
        assertThat(viaAuto.data()[centre] & 0xff).isGreaterThan(200);
        assertThat(viaAuto.data()[centre + 1] & 0xff).isBetween(90, 200);
        assertThat(viaAuto.data()[centre + 2] & 0xff).isLessThan(40);
        assertThat(transform(ImageTransform.Codec.AUTO, 256, ImageTransform.Output.JPEG).apply(cmyk).width()).isEqualTo(16);
    }

    @Test
    void eachThreadHasItsOwnHandles() throws Exception {
        ImageTransform t = transform(ImageTransform.Codec.AUTO, 128, ImageTransform.Output.JPEG);
        List<byte[]> photos = realPhotos();
        List<ImageTransform.Result> expected = new ArrayList<>();
        for (byte[] p : photos) {
            expected.add(t.apply(p));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                runs.add(pool.submit(() -> {
                    for (int round = 0; round < 10; round++) {
                        for (int i = 0; i < photos.size(); i++) {
                            ImageTransform.Result r = t.apply(photos.get(i));
                            if (!Arrays.equals(r.data(), expected.get(i).data()) || r.dhash() != expected.get(i).dhash()) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> run : runs) {
                assertThat(run.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void byteOrientationsMatchTheBufferedImageOnes() {
        BufferedImage img = photo(7, 5, 3);
        RgbPixels px = ImageTransform.bytes(img);
        for (int o = 1; o <= 8; o++) {
            assertThat(px.orient(o).rgb()).as("orientation %d", o).isEqualTo(ImageTransform.rawRgb(ImageTransform.orient(img, o)));
        }
    }

    @Test
    void theByteDhashIsTheImageDhash() {
        BufferedImage img = photo(301, 203, 9);
        assertThat(ImageTransform.bytes(img).dhash()).isEqualTo(ImageTransform.dhash(img));
    }

    @Test
    void resizingKeepsAFlatImageFlatAndAveragesDetail() {
        byte[] flat = new byte[300 * 200 * 3];
        Arrays.fill(flat, (byte) 77);
        RgbPixels small = new RgbPixels(flat, 300, 200).resize(97, 61);
        for (byte b : small.rgb()) {
            assertThat(b & 0xff).isEqualTo(77);
        }
        // One-pixel black and white stripes reduce to mid grey (no aliasing into stripes).
        byte[] stripes = new byte[400 * 100 * 3];
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 400; x += 2) {
                Arrays.fill(stripes, (y * 400 + x) * 3, (y * 400 + x) * 3 + 3, (byte) 255);
            }
        }
        RgbPixels reduced = new RgbPixels(stripes, 400, 100).resize(128, 32);
        for (byte b : reduced.rgb()) {
            assertThat(b & 0xff).isBetween(110, 145);
        }
    }

    static double mean(byte[] px) {
        long sum = 0;
        for (byte b : px) {
            sum += b & 0xff;
        }
        return (double) sum / px.length;
    }

    static double psnr(byte[] a, byte[] b) {
        assertThat(a).hasSameSizeAs(b);
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            se += d * d;
        }
        return 10 * Math.log10(255.0 * 255.0 / (se / a.length));
    }
}
