package io.shardline.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** A benchmark's scratch folder, emptied before a run so that no earlier run's data is measured. */
public final class Scratch {

    private Scratch() {}

    /** Deletes {@code dir} and everything in it, if it exists. */
    public static void clear(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
