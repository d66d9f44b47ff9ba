package io.shardline.cli;

import io.shardline.bench.ImageCodecBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The job's image steps on a folder of real images, on one thread: libjpeg-turbo and ImageIO side by side. */
@Command(name = "images", mixinStandardHelpOptions = true,
        description = "Run the job's image steps (decode, orientation, dHash, resize to 256, JPEG) over the .jpg and .png files"
                + " of a folder on one thread, with libjpeg-turbo and with ImageIO; print images per CPU-second of each."
                + " Example: bench images /tmp/benchimg/imagenet-jpeg --rounds 20")
final class ImagesBenchCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "A folder of .jpg, .jpeg and .png files.")
    Path folder;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed passes over the files (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        return new ImageCodecBench(folder, rounds).run(System.out);
    }
}
