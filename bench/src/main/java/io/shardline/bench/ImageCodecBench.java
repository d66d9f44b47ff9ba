package io.shardline.bench;

import io.shardline.config.Settings;
import io.shardline.preprocess.ImageSteps;
import io.shardline.preprocess.PreprocessOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The image preprocessing steps alone, on one thread, over a folder of real images: header check, decode,
 * RGB, EXIF orientation, dHash, resize to a shorter side of 256, JPEG encode at quality 90 (the job's
 * defaults), with libjpeg-turbo and with ImageIO. Reports images per CPU-second of this thread, to set beside
 * {@code bench/python/pillow_images.py}, which does the same steps with Pillow on the same files.
 *
 * <p>Run: {@code ./shardline bench images FOLDER --rounds N} (BENCHMARKS.md gives the whole command). The files are read into memory first; one untimed round warms the JIT.
 */
public record ImageCodecBench(Path folder, int rounds) {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ImageCodecBench FOLDER [ROUNDS]   (FOLDER: .jpg/.jpeg/.png files)");
            System.exit(2);
        }
        System.exit(new ImageCodecBench(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 5).run(System.out));
    }

    public int run(PrintStream out) throws Exception {
        List<byte[]> images = new ArrayList<>();
        long bytes = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png")) {
                    images.add(Files.readAllBytes(p));
                    bytes += images.get(images.size() - 1).length;
                }
            }
        }
        if (images.isEmpty()) {
            System.err.println("bench images: no .jpg or .png files in " + folder);
            return 2;
        }
        javax.imageio.ImageIO.setUseCache(false); // as the job's operator does
        out.printf("%s: %d images, %.0f KB on average%n", folder, images.size(), bytes / 1024.0 / images.size());
        if (!ImageSteps.nativeCodecAvailable()) {
            out.println("libjpeg-turbo not loaded: the native row is ImageIO too (apt-get install libturbojpeg0)");
        } else if (!ImageSteps.of(Settings.empty()).usesNativePng()) {
            out.println("libspng not loaded: PNGs are decoded by ImageIO on the native row too (apt-get install libspng0)");
        }
        for (String codec : List.of("AUTO", "IMAGEIO")) {
            // The job's defaults (shorter side 256, JPEG at quality 90), with the codec set.
            ImageSteps t = ImageSteps.of(Settings.empty().withText(PreprocessOptions.IMAGE_CODEC.key(), codec));
            long outBytes = pass(t, images); // warm-up
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int r = 0; r < rounds; r++) {
                pass(t, images);
            }
            double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
            int n = images.size() * rounds;
            String codecs = !t.usesNativeCodec() ? "ImageIO" : t.usesNativePng() ? "libjpeg-turbo+libspng/libdeflate" : "libjpeg-turbo";
            out.printf("%-8s %-32s %8.1f images/CPU-s  %6.2f ms/image  (%d images, %.2f CPU-s; output %.1f KB/image)%n",
                    codec.equals("AUTO") ? "native" : "imageio", codecs,
                    n / cpu, cpu * 1000 / n, n, cpu, outBytes / 1024.0 / images.size());
        }
        return 0;
    }

    private static long pass(ImageSteps t, List<byte[]> images) {
        long outBytes = 0;
        for (byte[] image : images) {
            outBytes += t.apply(image).length;
        }
        return outBytes;
    }
}
