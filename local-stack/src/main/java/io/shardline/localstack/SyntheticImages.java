package io.shardline.localstack;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Images drawn for sample data and tests, the same for a seed on every machine: pictures that behave like
 * photographs under resizing, recompression and hashing, one-colour pictures whose pixels a reader can check,
 * and the malformed and tagged files that hostile or camera inputs are.
 */
public final class SyntheticImages {

    private SyntheticImages() {}

    /**
     * A picture like a photograph: a gradient in a random direction under six ovals of random colours. No two
     * neighbouring regions have exactly the same brightness, so a difference hash of it is stable under
     * recompression and resizing.
     */
    public static BufferedImage photo(int width, int height, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, color(r), width, height * r.nextFloat(), color(r)));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 6; i++) {
            g.setColor(color(r));
            g.fillOval(r.nextInt(width), r.nextInt(height), width / 5 + r.nextInt(width / 3), height / 5 + r.nextInt(height / 3));
        }
        g.dispose();
        return img;
    }

    /**
     * A small picture of 96 to 159 pixels a side, cheap to draw and encode: twelve ovals of random colours on
     * one random colour. For bulk sample data; {@link #photo} is the one to hash and resize.
     */
    public static BufferedImage blobs(SplittableRandom r) {
        int w = 96 + r.nextInt(64);
        int h = 96 + r.nextInt(64);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color(r));
        g.fillRect(0, 0, w, h);
        for (int s = 0; s < 12; s++) {
            g.setColor(color(r));
            g.fillOval(r.nextInt(w), r.nextInt(h), 8 + r.nextInt(40), 8 + r.nextInt(40));
        }
        g.dispose();
        return img;
    }

    /** A picture of one colour: every decoded pixel is close to it. */
    public static BufferedImage solid(int width, int height, Color color) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    /** PNG, or JPEG at the encoder's default quality, or any format ImageIO writes. */
    public static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + format, e);
        }
        return out.toByteArray();
    }

    /** A valid 1 x 1 PNG whose header then claims {@code width} x {@code height} pixels, its checksum corrected. */
    public static byte[] pngDeclaring(int width, int height) {
        byte[] png = encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
        ByteBuffer.wrap(png, 16, 8).putInt(width).putInt(height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // "IHDR" and its 13 data bytes
        ByteBuffer.wrap(png, 29, 4).putInt((int) crc.getValue());
        return png;
    }

    /** The JPEG with an APP1 Exif segment whose IFD0 holds one entry: the orientation (1 to 8), as cameras write it. */
    public static byte[] withOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
        byte[] exif = new byte[6 + tiff.length];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, exif, 0, 6);
        System.arraycopy(tiff, 0, exif, 6, tiff.length);
        int len = exif.length + 2;
        byte[] out = new byte[jpeg.length + 4 + exif.length];
        out[0] = (byte) 0xff;
        out[1] = (byte) 0xd8;
        out[2] = (byte) 0xff;
        out[3] = (byte) 0xe1;
        out[4] = (byte) (len >> 8);
        out[5] = (byte) len;
        System.arraycopy(exif, 0, out, 6, exif.length);
        System.arraycopy(jpeg, 2, out, 6 + exif.length, jpeg.length - 2);
        return out;
    }

    private static Color color(SplittableRandom r) {
        return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    }
}
