package io.shardline.preprocess.internal.image;

import static io.shardline.localstack.SyntheticImages.encode;
import static io.shardline.localstack.SyntheticImages.photo;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.preprocess.FilterReason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PNGs of every colour type and depth through libspng (the native path) and through ImageIO: the same
 * pixels, transparency composited on white on both; cut-short, corrupt and oversized files refused on both.
 * Where libspng is not installed the native path decodes PNGs with ImageIO, which the first test checks is
 * what is reported; where it is (CI), it must be in use.
 */
class PngCodecTest {

    static ImageTransform transform(ImageTransform.Codec codec, int side) {
        return new ImageTransform(64_000_000L, Duration.ofSeconds(5), side, false, ImageTransform.Output.RAW_RGB, 90, codec);
    }

    static boolean libspngInstalled() {
        return installed("libspng.so.0");
    }

    static boolean installed(String soname) {
        return NativeCodecTest.installed(soname);
    }

    static ImageTransform.Refused refusal(ImageTransform t, byte[] image) {
        return NativeCodecTest.refusal(t, image);
    }

    @Test
    void libspngDecodesPngsWhereItIsInstalled() {
        assertThat(Spng.available()).isEqualTo(libspngInstalled());
        assertThat(FastPng.available()).isEqualTo(installed("libdeflate.so.0"));
        assertThat(transform(ImageTransform.Codec.AUTO, 0).usesNativePng())
                .isEqualTo(libspngInstalled() && ImageTransform.nativeCodecAvailable());
        assertThat(transform(ImageTransform.Codec.IMAGEIO, 0).usesNativePng()).isFalse();
    }

    /** One picture, with a transparent band, in each PNG layout ImageIO writes. */
    static Map<String, byte[]> everyKind() throws Exception {
        BufferedImage colour = photo(97, 61, 7);
        Map<String, byte[]> kinds = new LinkedHashMap<>();
        kinds.put("truecolour 8-bit", encode(colour, "png"));
        kinds.put("truecolour 8-bit interlaced", interlaced(colour));
        kinds.put("greyscale 8-bit", encode(draw(colour, new BufferedImage(97, 61, BufferedImage.TYPE_BYTE_GRAY)), "png"));
        kinds.put("greyscale 16-bit", encode(draw(colour, new BufferedImage(97, 61, BufferedImage.TYPE_USHORT_GRAY)), "png"));
        kinds.put("greyscale 1-bit", encode(draw(colour, new BufferedImage(97, 61, BufferedImage.TYPE_BYTE_BINARY)), "png"));
        kinds.put("palette", encode(draw(colour, new BufferedImage(97, 61, BufferedImage.TYPE_BYTE_INDEXED)), "png"));
        kinds.put("palette with transparency", encode(paletteWithTransparency(), "png"));
        kinds.put("truecolour with alpha", encode(withAlphaBand(colour, BufferedImage.TYPE_INT_ARGB), "png"));
        kinds.put("truecolour 16-bit", encode(sixteenBit(colour, false), "png"));
        kinds.put("truecolour 16-bit with alpha", encode(sixteenBit(colour, true), "png"));
        kinds.put("greyscale with alpha", encode(greyWithAlpha(colour), "png"));
        return kinds;
    }

    @Test
    void everyColourTypeAndDepthGivesTheImageIoPixels() throws Exception {
        for (Map.Entry<String, byte[]> kind : everyKind().entrySet()) {
            ImageTransform.Result viaNative = transform(ImageTransform.Codec.AUTO, 0).apply(kind.getValue());
            ImageTransform.Result viaImageIo = transform(ImageTransform.Codec.IMAGEIO, 0).apply(kind.getValue());
            assertThat(viaNative.width()).as(kind.getKey()).isEqualTo(97);
            assertThat(viaNative.height()).as(kind.getKey()).isEqualTo(61);
            // Rounding of 16-bit samples and of alpha compositing may differ by one level; nothing more.
            assertThat(maxDifference(viaNative.data(), viaImageIo.data())).as(kind.getKey()).isLessThanOrEqualTo(1);
            assertThat(viaNative.dhash()).as(kind.getKey()).isEqualTo(viaImageIo.dhash());
        }
    }

    @Test
    void transparencyIsCompositedOnWhite() throws Exception {
        BufferedImage clear = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB); // all transparent black
        byte[] rgb = transform(ImageTransform.Codec.AUTO, 0).apply(encode(clear, "png")).data();
        for (byte b : rgb) {
            assertThat(b & 0xff).isEqualTo(255);
        }
        byte[] palette = transform(ImageTransform.Codec.AUTO, 0).apply(encode(paletteWithTransparency(), "png")).data();
        assertThat(palette[0] & 0xff).as("a transparent palette entry").isEqualTo(255);
        // Grey and alpha: an opaque pixel keeps its stored level (no colour-space conversion), a clear one is white.
        BufferedImage greyAlpha = greyWithAlpha(photo(97, 61, 7));
        for (ImageTransform.Codec codec : ImageTransform.Codec.values()) {
            byte[] px = transform(codec, 0).apply(encode(greyAlpha, "png")).data();
            int y = 30;
            assertThat(px[(y * 97 + 80) * 3] & 0xff).as("%s, opaque", codec).isEqualTo(greyAlpha.getRaster().getSample(80, y, 0));
            assertThat(px[(y * 97 + 5) * 3] & 0xff).as("%s, clear", codec).isEqualTo(255);
        }
    }

    @Test
    void theRealPngPhotographMatchesImageIo() throws Exception {
        byte[] chelsea = Files.readAllBytes(NativeCodecTest.PHOTOS.resolve("chelsea.png"));
        ImageTransform.Result viaNative = transform(ImageTransform.Codec.AUTO, 0).apply(chelsea);
        ImageTransform.Result viaImageIo = transform(ImageTransform.Codec.IMAGEIO, 0).apply(chelsea);
        assertThat(viaNative.data()).isEqualTo(viaImageIo.data());
        ImageTransform.Result resized = transform(ImageTransform.Codec.AUTO, 256).apply(chelsea);
        assertThat(Math.min(resized.width(), resized.height())).isEqualTo(256);
    }

    @ParameterizedTest
    @EnumSource(ImageTransform.Codec.class)
    void cutShortCorruptAndOversizedPngsAreRefused(ImageTransform.Codec codec) throws Exception {
        ImageTransform t = transform(codec, 256);
        byte[] png = Files.readAllBytes(NativeCodecTest.PHOTOS.resolve("chelsea.png"));
        assertThat(refusal(t, Arrays.copyOf(png, png.length / 2)).reason()).as("cut short").isEqualTo(FilterReason.IMAGE_UNDECODABLE);
        byte[] corrupt = png.clone();
        for (int i = png.length / 3; i < png.length / 3 + 64; i++) {
            corrupt[i] ^= 0x5a; // inside the image data: a CRC mismatch, and a broken deflate stream
        }
        assertThat(refusal(t, corrupt).reason()).as("corrupt").isEqualTo(FilterReason.IMAGE_UNDECODABLE);
        assertThat(refusal(t, Arrays.copyOf(png, 33)).reason()).as("header only").isEqualTo(FilterReason.IMAGE_UNDECODABLE);
        assertThat(refusal(t, io.shardline.localstack.SyntheticImages.pngDeclaring(100_000, 100_000)).reason())
                .as("100,000 x 100,000 declared").isEqualTo(FilterReason.IMAGE_TOO_MANY_PIXELS);
        ImageTransform hurried = new ImageTransform(64_000_000L, Duration.ZERO, 256, false, ImageTransform.Output.JPEG, 90, codec);
        assertThat(refusal(hurried, png).reason()).as("over the time bound").isEqualTo(FilterReason.IMAGE_DECODE_TIMEOUT);
    }

    /**
     * A compressed text chunk that inflates to 256 MiB before the image: no path spends that memory. ImageIO
     * and the libdeflate path skip the chunk and decode the image; libspng, which reads text chunks, keeps at
     * most its chunk limit of them and refuses the file.
     */
    @Test
    void aCompressedTextBombIsBounded() throws Exception {
        byte[] png = encode(photo(32, 32, 3), "png");
        byte[] bomb = withChunkAfterHeader(png, "zTXt", ztxt(256 << 20));
        assertThat(bomb.length).isLessThan(1 << 20);
        for (ImageTransform.Codec codec : ImageTransform.Codec.values()) {
            assertThat(transform(codec, 0).apply(bomb).width()).as(codec.name()).isEqualTo(32);
        }
        if (Spng.available()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Spng.decode(bomb, Long.MAX_VALUE))
                    .isInstanceOf(Spng.Failure.class);
            // A small text chunk is no reason to refuse.
            assertThat(Spng.decode(withChunkAfterHeader(png, "zTXt", ztxt(1 << 10)), Long.MAX_VALUE).width()).isEqualTo(32);
        }
    }

    static int maxDifference(byte[] a, byte[] b) {
        assertThat(a.length).isEqualTo(b.length);
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
        }
        return max;
    }

    static BufferedImage draw(BufferedImage from, BufferedImage onto) {
        Graphics2D g = onto.createGraphics();
        g.drawImage(from, 0, 0, null);
        g.dispose();
        return onto;
    }

    static BufferedImage withAlphaBand(BufferedImage colour, int type) {
        BufferedImage out = draw(colour, new BufferedImage(colour.getWidth(), colour.getHeight(), type));
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                int alpha = x < 20 ? 0 : x < 60 ? (x - 20) * 6 : 255; // clear, a ramp, opaque
                out.setRGB(x, y, (out.getRGB(x, y) & 0xffffff) | alpha << 24);
            }
        }
        return out;
    }

    static BufferedImage sixteenBit(BufferedImage colour, boolean alpha) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(colour.getWidth(), colour.getHeight());
        BufferedImage src = alpha ? withAlphaBand(colour, BufferedImage.TYPE_INT_ARGB) : colour;
        for (int y = 0; y < colour.getHeight(); y++) {
            for (int x = 0; x < colour.getWidth(); x++) {
                int p = src.getRGB(x, y);
                // 8-bit levels spread to 16 bits with a low byte that rounding must drop.
                raster.setSample(x, y, 0, ((p >> 16) & 0xff) * 257 + (x % 7) * 11);
                raster.setSample(x, y, 1, ((p >> 8) & 0xff) * 257);
                raster.setSample(x, y, 2, (p & 0xff) * 257);
                if (alpha) {
                    raster.setSample(x, y, 3, ((p >>> 24) & 0xff) * 257);
                }
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    static BufferedImage greyWithAlpha(BufferedImage colour) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(colour.getWidth(), colour.getHeight());
        BufferedImage argb = withAlphaBand(colour, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < colour.getHeight(); y++) {
            for (int x = 0; x < colour.getWidth(); x++) {
                int p = argb.getRGB(x, y);
                raster.setSample(x, y, 0, (p >> 8) & 0xff);
                raster.setSample(x, y, 1, (p >>> 24) & 0xff);
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /** Four colours, the first fully transparent (a tRNS chunk), in vertical bands. */
    static BufferedImage paletteWithTransparency() {
        byte[] r = {0, (byte) 200, 10, (byte) 250};
        byte[] g = {0, 30, (byte) 180, (byte) 250};
        byte[] b = {0, 30, 40, 10};
        byte[] a = {0, (byte) 255, (byte) 128, (byte) 255};
        IndexColorModel cm = new IndexColorModel(2, 4, r, g, b, a);
        BufferedImage out = new BufferedImage(97, 61, BufferedImage.TYPE_BYTE_BINARY, cm);
        WritableRaster raster = out.getRaster();
        for (int y = 0; y < 61; y++) {
            for (int x = 0; x < 97; x++) {
                raster.setSample(x, y, 0, (x / 25) % 4);
            }
        }
        return out;
    }

    static byte[] interlaced(BufferedImage image) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT); // Adam7
            writer.write(null, new IIOImage(image, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A zTXt payload: keyword, separator, method 0, then {@code size} zero bytes deflated. */
    static byte[] ztxt(int size) {
        Deflater d = new Deflater(9);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("Comment".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.write(0);
        out.write(0);
        byte[] buf = new byte[1 << 16];
        for (int left = size; left > 0; left -= zeros.length) {
            d.setInput(zeros, 0, Math.min(left, zeros.length));
            while (!d.needsInput()) {
                out.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        return out.toByteArray();
    }

    /** The PNG with one more chunk right after IHDR (signature 8 bytes, IHDR 25). */
    static byte[] withChunkAfterHeader(byte[] png, String type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(data.length >>> 24);
        out.write(data.length >>> 16);
        out.write(data.length >>> 8);
        out.write(data.length);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        long c = crc.getValue();
        out.write((int) (c >>> 24));
        out.write((int) (c >>> 16));
        out.write((int) (c >>> 8));
        out.write((int) c);
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }
}
