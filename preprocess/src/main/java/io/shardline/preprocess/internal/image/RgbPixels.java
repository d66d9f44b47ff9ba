package io.shardline.preprocess.internal.image;

/**
 * An 8-bit RGB image as one byte array ({@code width * height * 3}, R G B per pixel, row by row), and the
 * steps of {@link ImageTransform} on it: EXIF orientation, resizing, centre crop, dHash. Working on the
 * bytes a native decoder writes (and a native encoder reads) avoids Java2D's per-pixel colour-model
 * conversions, which cost more than the decode itself on the native path.
 */
record RgbPixels(byte[] rgb, int width, int height) {

    RgbPixels {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException(width + " x " + height + " RGB needs " + width * height * 3 + " bytes, not " + rgb.length);
        }
    }

    /** Applies EXIF orientation 2 to 8 (1 is as stored), with the same mapping as {@link ImageTransform#orient}. */
    RgbPixels orient(int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return this;
        }
        int w = width;
        int h = height;
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] dst = new byte[rgb.length];
        int o = 0;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++, o += 3) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                int s = (sy * w + sx) * 3;
                dst[o] = rgb[s];
                dst[o + 1] = rgb[s + 1];
                dst[o + 2] = rgb[s + 2];
            }
        }
        return new RgbPixels(dst, ow, oh);
    }

    /**
     * {@code pixels} RGBA pixels from {@code rgba[from]} over white into RGB at {@code rgb[to]}:
     * {@code c * a / 255 + 255 * (1 - a / 255)}, rounded.
     */
    static void compositeOnWhite(byte[] rgba, int from, byte[] rgb, int to, int pixels) {
        int o = to;
        for (int i = from, end = from + pixels * 4; i < end; i += 4) {
            int a = rgba[i + 3] & 0xff;
            if (a == 255) {
                rgb[o++] = rgba[i];
                rgb[o++] = rgba[i + 1];
                rgb[o++] = rgba[i + 2];
            } else {
                int white = 255 * (255 - a);
                rgb[o++] = (byte) (((rgba[i] & 0xff) * a + white + 127) / 255);
                rgb[o++] = (byte) (((rgba[i + 1] & 0xff) * a + white + 127) / 255);
                rgb[o++] = (byte) (((rgba[i + 2] & 0xff) * a + white + 127) / 255);
            }
        }
    }

    /** The centred {@code w x h} region. */
    RgbPixels cropCentre(int w, int h) {
        if (w == width && h == height) {
            return this;
        }
        int x0 = (width - w) / 2;
        int y0 = (height - h) / 2;
        byte[] dst = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(rgb, ((y0 + y) * width + x0) * 3, dst, y * w * 3, w * 3);
        }
        return new RgbPixels(dst, w, h);
    }

    /**
     * Resamples to {@code w x h} with a triangle (bilinear) filter whose support grows with the reduction, so
     * that every source pixel contributes when shrinking: an area-weighted reduction without aliasing, the
     * filter Pillow calls BILINEAR. Separable, in 8.22 fixed point: columns first (each output row a sum of
     * whole source rows, a loop along memory that the JIT vectorizes), which also leaves the horizontal pass,
     * the one with a gather per tap, only the output's rows to do.
     */
    RgbPixels resize(int w, int h) {
        if (w == width && h == height) {
            return this;
        }
        Taps cols = Taps.of(width, w);
        Taps rows = Taps.of(height, h);
        // Vertical pass: h x width.
        int rowBytes = width * 3;
        byte[] mid = new byte[h * rowBytes];
        int[] acc = new int[rowBytes];
        for (int y = 0; y < h; y++) {
            java.util.Arrays.fill(acc, Taps.HALF);
            int first = rows.first[y];
            int n = rows.count[y];
            int k = y * rows.stride;
            for (int i = 0; i < n; i++) {
                int c = rows.weights[k + i];
                int s = (first + i) * rowBytes;
                for (int j = 0; j < rowBytes; j++) {
                    acc[j] += (rgb[s + j] & 0xff) * c;
                }
            }
            int o = y * rowBytes;
            for (int j = 0; j < rowBytes; j++) {
                mid[o + j] = Taps.clamp(acc[j]);
            }
        }
        // Horizontal pass: h x w.
        byte[] out = new byte[h * w * 3];
        for (int y = 0; y < h; y++) {
            int rowIn = y * rowBytes;
            int rowOut = y * w * 3;
            for (int x = 0; x < w; x++) {
                int first = cols.first[x];
                int n = cols.count[x];
                int k = x * cols.stride;
                int r = Taps.HALF;
                int g = Taps.HALF;
                int b = Taps.HALF;
                for (int i = 0, s = rowIn + first * 3; i < n; i++, s += 3) {
                    int c = cols.weights[k + i];
                    r += (mid[s] & 0xff) * c;
                    g += (mid[s + 1] & 0xff) * c;
                    b += (mid[s + 2] & 0xff) * c;
                }
                int o = rowOut + x * 3;
                out[o] = Taps.clamp(r);
                out[o + 1] = Taps.clamp(g);
                out[o + 2] = Taps.clamp(b);
            }
        }
        return new RgbPixels(out, w, h);
    }

    /** Per output position: the first source index, how many follow, and their weights summing to 1 << 22. */
    private static final class Taps {
        static final int BITS = 22;
        static final int HALF = 1 << (BITS - 1);
        final int[] first;
        final int[] count;
        final int[] weights;
        final int stride;

        private Taps(int[] first, int[] count, int[] weights, int stride) {
            this.first = first;
            this.count = count;
            this.weights = weights;
            this.stride = stride;
        }

        static Taps of(int in, int out) {
            double scale = (double) in / out;
            double support = Math.max(1.0, scale); // triangle of radius 1, widened by the reduction factor
            int stride = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[out];
            int[] count = new int[out];
            int[] weights = new int[out * stride];
            double[] w = new double[stride];
            for (int x = 0; x < out; x++) {
                double centre = (x + 0.5) * scale; // pixel centres line up, as in Pillow and ImageIO
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(in, (int) Math.ceil(centre + support));
                double total = 0;
                int n = 0;
                for (int i = lo; i < hi && n < stride; i++, n++) {
                    double d = Math.abs((i + 0.5 - centre) / support);
                    w[n] = d < 1 ? 1 - d : 0;
                    total += w[n];
                }
                // Drop zero-weight taps at both ends so the inner loops do no useless work.
                int start = 0;
                while (start < n - 1 && w[start] == 0) {
                    start++;
                }
                int end = n;
                while (end > start + 1 && w[end - 1] == 0) {
                    end--;
                }
                first[x] = lo + start;
                count[x] = end - start;
                int sum = 0;
                for (int i = start; i < end; i++) {
                    int q = (int) Math.round(w[i] / total * (1 << BITS));
                    weights[x * stride + i - start] = q;
                    sum += q;
                }
                // Rounding leftovers go to the middle tap, so that a flat image stays exactly flat.
                weights[x * stride + (end - start) / 2] += (1 << BITS) - sum;
            }
            return new Taps(first, count, weights, stride);
        }

        static byte clamp(int v) {
            int p = v >> BITS;
            return (byte) (p < 0 ? 0 : Math.min(255, p));
        }
    }

    /**
     * dHash, defined as {@link ImageTransform#dhash(java.awt.image.BufferedImage)}: the same bits for the same
     * pixels. Each row is summed per channel over the runs of columns that share a cell, and weighted into luma
     * once per run: the same integer sums as weighting every pixel, with a third of the work.
     */
    long dhash() {
        long[] sums = new long[72];
        int[] counts = new int[72];
        // The columns of cell c are [edge[c], edge[c + 1]): x belongs to min(8, x * 9 / width).
        int[] edge = new int[10];
        for (int x = 0, c = 0; x <= width; x++) {
            int cell = x == width ? 9 : Math.min(8, x * 9 / width);
            while (c <= cell) {
                edge[c++] = x;
            }
        }
        for (int y = 0; y < height; y++) {
            int base = Math.min(7, y * 8 / height) * 9;
            int row = y * width * 3;
            for (int c = 0; c < 9; c++) {
                long r = 0;
                long g = 0;
                long b = 0;
                for (int i = row + edge[c] * 3, end = row + edge[c + 1] * 3; i < end; i += 3) {
                    r += rgb[i] & 0xff;
                    g += rgb[i + 1] & 0xff;
                    b += rgb[i + 2] & 0xff;
                }
                sums[base + c] += 299 * r + 587 * g + 114 * b;
                counts[base + c] += edge[c + 1] - edge[c];
            }
        }
        return ImageTransform.dhashBits(sums, counts);
    }
}
