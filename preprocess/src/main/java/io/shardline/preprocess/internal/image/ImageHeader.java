package io.shardline.preprocess.internal.image;

/**
 * What an image's header says, read without decoding a pixel: its dimensions and, for JPEG, the EXIF
 * orientation. This is what lets the pixel cap refuse a 100,000 x 100,000 image before any memory is
 * allocated for it.
 *
 * @param width width in pixels as stored (before orientation)
 * @param height height in pixels as stored
 * @param orientation EXIF orientation 1 to 8 (1: as stored)
 */
public record ImageHeader(int width, int height, int orientation) {

    /** An image whose header cannot be read: cut short, or not the format it claims. */
    public static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    /** Width and height once the orientation is applied (orientations 5 to 8 swap them). */
    public int orientedWidth() {
        return orientation >= 5 ? height : width;
    }

    public int orientedHeight() {
        return orientation >= 5 ? width : height;
    }

    public long pixels() {
        return (long) width * height;
    }

    public static ImageHeader read(byte[] b) throws Unreadable {
        if (b.length >= 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4).
            if (b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
                throw new Unreadable("PNG without an IHDR chunk first");
            }
            return checked(int32(b, 16, true), int32(b, 20, true), 1);
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            return jpeg(b);
        }
        throw new Unreadable("neither PNG nor JPEG");
    }

    private static ImageHeader jpeg(byte[] b) throws Unreadable {
        int orientation = 1;
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xff) != 0xff) {
                throw new Unreadable("JPEG marker expected at byte " + p);
            }
            int marker = b[p + 1] & 0xff;
            if (marker == 0xff) {
                p++; // fill byte
                continue;
            }
            if (marker == 0xd9 || marker == 0xda) {
                break; // end of image or start of scan: no frame header before it
            }
            int length = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
            if (length < 2 || p + 2 + length > b.length) {
                throw new Unreadable("JPEG segment cut short at byte " + p);
            }
            int body = p + 4;
            if (marker == 0xe1 && length >= 16 && b[body] == 'E' && b[body + 1] == 'x' && b[body + 2] == 'i' && b[body + 3] == 'f') {
                orientation = exifOrientation(b, body + 6, p + 2 + length);
            }
            boolean frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frame) {
                if (length < 8) {
                    throw new Unreadable("JPEG frame header cut short");
                }
                int height = ((b[body + 1] & 0xff) << 8) | (b[body + 2] & 0xff);
                int width = ((b[body + 3] & 0xff) << 8) | (b[body + 4] & 0xff);
                return checked(width, height, orientation);
            }
            p += 2 + length;
        }
        throw new Unreadable("JPEG without a frame header");
    }

    /** The orientation tag (0x0112) of IFD0 of the TIFF structure at {@code tiff}; 1 when absent or odd. */
    private static int exifOrientation(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean bigEndian = b[tiff] == 'M' && b[tiff + 1] == 'M';
        if (!bigEndian && !(b[tiff] == 'I' && b[tiff + 1] == 'I')) {
            return 1;
        }
        long ifd = tiff + (int32(b, tiff + 4, bigEndian) & 0xffffffffL);
        if (ifd + 2 > end) {
            return 1;
        }
        int entries = int16(b, (int) ifd, bigEndian);
        for (int e = 0; e < entries; e++) {
            int at = (int) ifd + 2 + e * 12;
            if (at + 12 > end) {
                return 1;
            }
            if (int16(b, at, bigEndian) == 0x0112) {
                int v = int16(b, at + 8, bigEndian);
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static ImageHeader checked(int width, int height, int orientation) throws Unreadable {
        if (width <= 0 || height <= 0) {
            throw new Unreadable("image dimensions " + width + " x " + height);
        }
        return new ImageHeader(width, height, orientation);
    }

    private static int int32(byte[] b, int i, boolean bigEndian) {
        int v = ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
        return bigEndian ? v : Integer.reverseBytes(v);
    }

    private static int int16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff) : ((b[i + 1] & 0xff) << 8) | (b[i] & 0xff);
    }
}
