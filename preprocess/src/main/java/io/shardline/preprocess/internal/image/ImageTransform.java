package io.shardline.preprocess.internal.image;

import io.shardline.ingest.EnvelopeDecoder;
import io.shardline.preprocess.FilterReason;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The image steps, pure and per image: read the header and refuse an image above the pixel cap before
 * decoding; decode (JPEG, PNG) within a time bound, treating decoder warnings (a truncated file) as failure;
 * apply the EXIF orientation; convert to RGB (alpha composited on white); resize so that the shorter side is
 * {@code shorterSide} (downscaling only, in halving steps with bilinear filtering and a final bicubic step,
 * which avoids the aliasing of a single large step); optionally crop the centre square; encode as JPEG at
 * {@code jpegQuality} or as raw uint8 RGB in height-width-channel order. Also computes a 64-bit difference
 * hash (dHash) of the oriented image for near-duplicate detection.
 *
 * <h2>Two codecs</h2>
 *
 * When libjpeg-turbo's TurboJPEG library is installed ({@code apt-get install libturbojpeg0}) and the codec
 * is {@link Codec#AUTO}, JPEGs are decoded natively, straight to RGB bytes, and scaled on decode in the DCT
 * domain to the smallest of the library's scales (1/8, 1/4, 3/8, 1/2 ... 7/8) whose shorter side is still at
 * least {@code shorterSide}, as Pillow's {@code Image.draft} does; the remaining resize, the crop and the
 * JPEG encoding also run on bytes ({@link RgbPixels}, TurboJPEG's encoder at 4:2:0). PNGs are decoded by
 * libspng where it is installed ({@code apt-get install libspng0}; {@link Spng}), by ImageIO otherwise, and
 * take the same byte path. Without TurboJPEG, or with {@link Codec#IMAGEIO}, everything
 * is done with ImageIO and Java2D as before. Both give images of the same size and closely similar content;
 * the bytes differ (another decoder, resampler and encoder).
 *
 * <p>The dHash is computed on the oriented decoded pixels in both cases. After a DCT-scaled decode those
 * pixels are a reduced image, so the hash of the same file may differ from the ImageIO path's by a bit or
 * two (cells whose neighbours are nearly equally bright); near-duplicate detection tolerates a few bits, but
 * hashes from jobs running different codecs are not bit-identical.
 *
 * <h2>Hostile images on the native path</h2>
 *
 * The pixel cap is checked from the header before any decoding, as on the ImageIO path (and again against
 * TurboJPEG's own reading of the header). A stream the library warns about (truncated, corrupt) is refused:
 * it decodes with {@code TJFLAG_STOPONWARNING}, instead of the grey-filled image libjpeg returns by default.
 * Progressive JPEGs with an unreasonable number of scans are refused ({@code TJFLAG_LIMITSCANS}). A native
 * decode cannot be interrupted, so the decode timeout cannot abort it midway: its running time is bounded
 * by the pixel cap and the scan limit (about 50 ms per 10 megapixels at full scale), and an image whose
 * decode took longer than the timeout is refused with {@code image-decode-timeout} afterwards, so the
 * outcome for a slow image is the same as on the ImageIO path. CMYK and YCCK JPEGs are decoded by ImageIO
 * on both paths (TurboJPEG gives them only as CMYK; ImageIO converts them to RGB), grayscale JPEGs by
 * TurboJPEG straight to RGB.
 */
public final class ImageTransform implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String RAW_RGB8 = "raw/rgb8";

    /** How the processed image is stored. */
    public enum Output { JPEG, RAW_RGB }

    /**
     * Which codec decodes and encodes: {@code AUTO} uses libjpeg-turbo when it can be loaded and ImageIO
     * otherwise; {@code IMAGEIO} always uses ImageIO (to compare, or to rule the native library out).
     */
    public enum Codec { AUTO, IMAGEIO }

    /** Why an image was refused. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final FilterReason reason;

        Refused(FilterReason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public FilterReason reason() {
            return reason;
        }
    }


    /** The processed image and what the row records about it. */
    public record Result(byte[] data, String format, int width, int height, int originalWidth, int originalHeight, long dhash) {}

    private final long maxPixels;
    private final Duration decodeTimeout;
    private final int shorterSide;
    private final boolean centerCrop;
    private final Output output;
    private final float jpegQuality;
    private final Codec codec;

    /** With {@link Codec#AUTO}: libjpeg-turbo where installed. */
    public ImageTransform(long maxPixels, Duration decodeTimeout, int shorterSide, boolean centerCrop, Output output, int jpegQuality) {
        this(maxPixels, decodeTimeout, shorterSide, centerCrop, output, jpegQuality, Codec.AUTO);
    }

    /**
     * @param shorterSide target length of the shorter side; 0 keeps the size
     * @param jpegQuality 1 to 100
     */
    public ImageTransform(long maxPixels, Duration decodeTimeout, int shorterSide, boolean centerCrop, Output output, int jpegQuality,
            Codec codec) {
        if (maxPixels < 1 || shorterSide < 0 || jpegQuality < 1 || jpegQuality > 100 || decodeTimeout.isNegative()) {
            throw new IllegalArgumentException("invalid image settings: max pixels " + maxPixels + ", shorter side " + shorterSide
                    + ", JPEG quality " + jpegQuality + ", decode timeout " + decodeTimeout);
        }
        this.maxPixels = maxPixels;
        this.decodeTimeout = decodeTimeout;
        this.shorterSide = shorterSide;
        this.centerCrop = centerCrop;
        this.output = output;
        this.jpegQuality = jpegQuality / 100f;
        this.codec = codec;
    }

    /** Whether libjpeg-turbo's TurboJPEG could be loaded in this JVM (the first call loads it and logs the outcome). */
    public static boolean nativeCodecAvailable() {
        return TurboJpeg.available();
    }

    /** Whether this transform decodes JPEGs and encodes with libjpeg-turbo: {@link Codec#AUTO} and the library loaded. */
    public boolean usesNativeCodec() {
        return codec == Codec.AUTO && TurboJpeg.available();
    }

    /** Whether this transform decodes PNGs with libspng: the native path, and libspng loaded. */
    public boolean usesNativePng() {
        return usesNativeCodec() && Spng.available();
    }

    public Result apply(byte[] encoded) throws Refused {
        ImageHeader header;
        try {
            header = ImageHeader.read(encoded);
        } catch (ImageHeader.Unreadable e) {
            throw new Refused(FilterReason.IMAGE_UNDECODABLE, e.getMessage());
        }
        if (header.pixels() > maxPixels) {
            throw new Refused(FilterReason.IMAGE_TOO_MANY_PIXELS, header.width() + " x " + header.height() + " pixels exceeds the cap of " + maxPixels);
        }
        if (usesNativeCodec()) {
            return applyNative(encoded, header);
        }
        BufferedImage oriented = orient(rgb(decode(encoded)), header.orientation());
        long hash = dhash(oriented);
        BufferedImage resized = resize(oriented);
        if (centerCrop && shorterSide > 0) {
            int side = Math.min(resized.getWidth(), resized.getHeight());
            resized = resized.getSubimage((resized.getWidth() - side) / 2, (resized.getHeight() - side) / 2, side, side);
        }
        byte[] data = output == Output.JPEG ? jpeg(resized) : rawRgb(resized);
        return new Result(data, output == Output.JPEG ? EnvelopeDecoder.JPEG : RAW_RGB8, resized.getWidth(), resized.getHeight(), oriented.getWidth(),
                oriented.getHeight(), hash);
    }

    /** The native path: TurboJPEG for JPEG, libspng for PNG (ImageIO without it), then every step on RGB bytes. */
    private Result applyNative(byte[] encoded, ImageHeader header) throws Refused {
        int origW = header.orientedWidth();
        int origH = header.orientedHeight();
        RgbPixels pixels = isJpeg(encoded) ? decodeNative(encoded, header) : Spng.available() ? decodePng(encoded) : null;
        if (pixels == null) {
            pixels = bytes(rgb(decode(encoded))); // a PNG without libspng, or a JPEG TurboJPEG cannot give as RGB
        }
        RgbPixels oriented = pixels.orient(header.orientation());
        long hash = oriented.dhash();
        // Target size from the original dimensions, so that a DCT-scaled decode gives the ImageIO path's size.
        int shorter = Math.min(origW, origH);
        RgbPixels out = oriented;
        if (shorterSide > 0 && shorter > shorterSide) {
            double scale = (double) shorterSide / shorter;
            out = oriented.resize(Math.max(1, (int) Math.round(origW * scale)), Math.max(1, (int) Math.round(origH * scale)));
        }
        if (centerCrop && shorterSide > 0) {
            int side = Math.min(out.width(), out.height());
            out = out.cropCentre(side, side);
        }
        if (output == Output.RAW_RGB) {
            return new Result(out.rgb(), RAW_RGB8, out.width(), out.height(), origW, origH, hash);
        }
        byte[] jpeg;
        try {
            jpeg = TurboJpeg.encode(out.rgb(), out.width(), out.height(), Math.round(jpegQuality * 100));
        } catch (TurboJpeg.Failure e) {
            throw new IllegalStateException("JPEG encoding failed in memory: " + e.getMessage(), e);
        }
        return new Result(jpeg, EnvelopeDecoder.JPEG, out.width(), out.height(), origW, origH, hash);
    }

    private static boolean isJpeg(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8;
    }

    /**
     * A JPEG through TurboJPEG, reduced in the DCT domain as far as the target size allows; null for a CMYK
     * or YCCK JPEG, which TurboJPEG decodes only to CMYK: ImageIO converts those to RGB.
     */
    private RgbPixels decodeNative(byte[] encoded, ImageHeader header) throws Refused {
        long start = System.nanoTime();
        try {
            TurboJpeg.Header h = TurboJpeg.header(encoded);
            // ImageHeader found the first frame header; should the library read other dimensions, its own count.
            if ((long) h.width() * h.height() > maxPixels) {
                throw new Refused(FilterReason.IMAGE_TOO_MANY_PIXELS, h.width() + " x " + h.height() + " pixels exceeds the cap of " + maxPixels);
            }
            if (h.colorspace() == TurboJpeg.TJCS_CMYK || h.colorspace() == TurboJpeg.TJCS_YCCK) {
                return null;
            }
            TurboJpeg.Decoded d = TurboJpeg.decode(encoded, h, TurboJpeg.scaleFor(h.width(), h.height(), shorterSide));
            long took = System.nanoTime() - start;
            // The native decode cannot be aborted midway; a decode that overran the bound is refused after it.
            if (took > decodeTimeout.toNanos()) {
                throw new Refused(FilterReason.IMAGE_DECODE_TIMEOUT, "decoding took " + took / 1_000_000 + " ms, longer than " + decodeTimeout);
            }
            return new RgbPixels(d.rgb(), d.width(), d.height());
        } catch (TurboJpeg.Failure e) {
            throw new Refused(FilterReason.IMAGE_UNDECODABLE, "decoder: " + e.getMessage());
        }
    }

    /**
     * A PNG through libspng, transparency composited on white; an 8-bit truecolour one through libdeflate and
     * Java's unfiltering first ({@link FastPng}), which hands anything it does not take to libspng.
     */
    private RgbPixels decodePng(byte[] encoded) throws Refused {
        long start = System.nanoTime();
        RgbPixels pixels = FastPng.available() ? FastPng.decode(encoded, maxPixels) : null;
        try {
            if (pixels == null) {
                pixels = Spng.decode(encoded, maxPixels);
            }
        } catch (Spng.TooLarge e) {
            throw new Refused(FilterReason.IMAGE_TOO_MANY_PIXELS, e.getMessage());
        } catch (Spng.Failure e) {
            throw new Refused(FilterReason.IMAGE_UNDECODABLE, "decoder: " + e.getMessage());
        }
        long took = System.nanoTime() - start;
        if (took > decodeTimeout.toNanos()) {
            throw new Refused(FilterReason.IMAGE_DECODE_TIMEOUT, "decoding took " + took / 1_000_000 + " ms, longer than " + decodeTimeout);
        }
        return pixels;
    }

    /** An RGB image from ImageIO as bytes, R G B per pixel. */
    static RgbPixels bytes(BufferedImage image) {
        return new RgbPixels(rawRgb(image), image.getWidth(), image.getHeight());
    }

    private BufferedImage decode(byte[] encoded) throws Refused {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Refused(FilterReason.IMAGE_UNDECODABLE, "no decoder for this image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long deadline = System.nanoTime() + decodeTimeout.toNanos();
                boolean[] timedOut = {false};
                String[] warning = {null};
                reader.addIIOReadWarningListener((source, message) -> warning[0] = message);
                reader.addIIOReadProgressListener(new AbortAfter(deadline, timedOut));
                BufferedImage image = reader.read(0);
                if (timedOut[0]) {
                    throw new Refused(FilterReason.IMAGE_DECODE_TIMEOUT, "decoding took longer than " + decodeTimeout);
                }
                if (warning[0] != null || image == null) {
                    throw new Refused(FilterReason.IMAGE_UNDECODABLE, "decoder: " + (warning[0] == null ? "no image" : warning[0]));
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data as IIOException and, for some malformed files, as runtime exceptions.
            throw new Refused(FilterReason.IMAGE_UNDECODABLE, "decoder: " + e.getMessage());
        }
    }

    /** Asks the reader to stop once the deadline has passed; the reader checks between rows. */
    private static final class AbortAfter implements IIOReadProgressListener {
        private final long deadline;
        private final boolean[] timedOut;

        AbortAfter(long deadline, boolean[] timedOut) {
            this.deadline = deadline;
            this.timedOut = timedOut;
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (System.nanoTime() > deadline) {
                timedOut[0] = true;
                source.abort();
            }
        }

        @Override public void sequenceStarted(ImageReader source, int minIndex) {}
        @Override public void sequenceComplete(ImageReader source) {}
        @Override public void imageStarted(ImageReader source, int imageIndex) {}
        @Override public void imageComplete(ImageReader source) {}
        @Override public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}
        @Override public void thumbnailProgress(ImageReader source, float percentageDone) {}
        @Override public void thumbnailComplete(ImageReader source) {}
        @Override public void readAborted(ImageReader source) {}
    }

    /**
     * Applies EXIF orientation 2 to 8 to an RGB image (1 is as stored): the output pixel (x, y) is taken from
     * the stored image at the position the EXIF definition names.
     */
    static BufferedImage orient(BufferedImage in, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return in;
        }
        int w = in.getWidth();
        int h = in.getHeight();
        int[] src = new int[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            System.arraycopy(row(in, y, row), 0, src, y * w, w);
        }
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] dst = new int[ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }            // mirrored horizontally
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }    // turned 180 degrees
                    case 4 -> { sx = x; sy = h - 1 - y; }            // mirrored vertically
                    case 5 -> { sx = y; sy = x; }                    // transposed
                    case 6 -> { sx = y; sy = h - 1 - x; }            // to be turned 90 degrees clockwise
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }    // transversed
                    default -> { sx = w - 1 - y; sy = x; }           // 8: to be turned 90 degrees anticlockwise
                }
                dst[y * ow + x] = src[sy * w + sx];
            }
        }
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, ow, oh, dst, 0, ow);
        return out;
    }

    /**
     * The image as opaque 8-bit RGB, transparency composited on white. The two layouts decoders produce for
     * colour images (packed ints, interleaved bytes) are kept as they are: a conversion per image would cost
     * more than the rest of the steps.
     */
    static BufferedImage rgb(BufferedImage in) {
        if (in.getType() == BufferedImage.TYPE_INT_RGB || in.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return in;
        }
        if (in.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY && in.getColorModel().hasAlpha()
                && in.getRaster().getNumBands() == 2) {
            return greyAlphaOnWhite(in);
        }
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, in.getWidth(), in.getHeight());
        g.drawImage(in, 0, 0, null);
        g.dispose();
        return out;
    }

    /**
     * A grey-and-alpha image (PNG colour type 4) over white, from its samples: Java2D would take ImageIO's
     * grey colour space for linear light and brighten every level on conversion to sRGB, where PNG (and every
     * other decoder) means the stored levels as they are.
     */
    private static BufferedImage greyAlphaOnWhite(BufferedImage in) {
        java.awt.image.Raster r = in.getRaster();
        int max = (1 << in.getColorModel().getComponentSize(0)) - 1;
        int w = in.getWidth();
        int h = in.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        int[] grey = new int[w];
        int[] alpha = new int[w];
        for (int y = 0, o = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, grey);
            r.getSamples(0, y, w, 1, 1, alpha);
            for (int x = 0; x < w; x++) {
                long a = alpha[x];
                int v = (int) ((grey[x] * a * 255 + (long) max * (max - a) * 255 + (long) max * max / 2) / ((long) max * max));
                dst[o++] = (byte) v;
                dst[o++] = (byte) v;
                dst[o++] = (byte) v;
            }
        }
        return out;
    }

    private BufferedImage resize(BufferedImage in) {
        int shorter = Math.min(in.getWidth(), in.getHeight());
        if (shorterSide == 0 || shorter <= shorterSide) {
            return in;
        }
        double scale = (double) shorterSide / shorter;
        int targetW = Math.max(1, (int) Math.round(in.getWidth() * scale));
        int targetH = Math.max(1, (int) Math.round(in.getHeight() * scale));
        BufferedImage current = in;
        // Halve with bilinear filtering while more than twice too large, then one bicubic step.
        while (current.getWidth() / 2 >= targetW && current.getHeight() / 2 >= targetH) {
            current = scaled(current, current.getWidth() / 2, current.getHeight() / 2, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        return scaled(current, targetW, targetH, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    }

    private static BufferedImage scaled(BufferedImage in, int w, int h, Object interpolation) {
        // Interleaved bytes: what the JPEG encoder takes without converting.
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(in, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private byte[] jpeg(BufferedImage image) {
        return encodeJpeg(image, jpegQuality);
    }

    /** JPEG at a quality from 0 to 1, with the JDK's encoder. */
    public static byte[] encodeJpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), p);
        } catch (IOException e) {
            throw new IllegalStateException("JPEG encoding failed in memory", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * Row {@code y} as packed 0xRRGGBB ints: straight from the pixel buffer for the two RGB layouts, through
     * the colour model otherwise.
     */
    static int[] row(BufferedImage image, int y, int[] row) {
        int w = image.getWidth();
        if (image.getType() == BufferedImage.TYPE_INT_RGB && image.getRaster().getParent() == null) {
            int[] data = ((java.awt.image.DataBufferInt) image.getRaster().getDataBuffer()).getData();
            System.arraycopy(data, y * w, row, 0, w);
            return row;
        }
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && image.getRaster().getParent() == null) {
            byte[] data = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int x = 0, i = y * w * 3; x < w; x++, i += 3) {
                row[x] = (data[i + 2] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | (data[i] & 0xff);
            }
            return row;
        }
        image.getRGB(0, y, w, 1, row, 0, w);
        return row;
    }

    /** uint8 pixels, row by row, R G B per pixel. */
    static byte[] rawRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        int i = 0;
        for (int y = 0; y < h; y++) {
            row(image, y, row);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                out[i++] = (byte) (p >> 16);
                out[i++] = (byte) (p >> 8);
                out[i++] = (byte) p;
            }
        }
        return out;
    }

    /**
     * dHash: the image in 9 x 8 grey levels (area averages); bit {@code 8 * y + x} is set when pixel (x, y) is
     * brighter than pixel (x + 1, y). Near-identical images differ in few bits.
     */
    public static long dhash(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        // Integer luma (0.299, 0.587, 0.114 scaled by 1000) summed per cell; the cell of each column computed once.
        long[] sums = new long[72];
        int[] counts = new int[72];
        int[] cellOfColumn = new int[w];
        for (int x = 0; x < w; x++) {
            cellOfColumn[x] = Math.min(8, x * 9 / w);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            row(image, y, row);
            int base = Math.min(7, y * 8 / h) * 9;
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int cell = base + cellOfColumn[x];
                sums[cell] += 299 * ((p >> 16) & 0xff) + 587 * ((p >> 8) & 0xff) + 114 * (p & 0xff);
                counts[cell]++;
            }
        }
        return dhashBits(sums, counts);
    }

    /** The hash from the 9 x 8 cells' luma sums and pixel counts. */
    static long dhashBits(long[] sums, int[] counts) {
        long hash = 0;
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int left = y * 9 + x;
                // Compare the cells' means without dividing: left/cl > right/cr  <=>  left * cr > right * cl.
                if (sums[left] * Math.max(1, counts[left + 1]) > sums[left + 1] * Math.max(1, counts[left])) {
                    hash |= 1L << (8 * y + x);
                }
            }
        }
        return hash;
    }
}
