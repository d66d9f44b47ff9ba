package io.shardline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server the tests of one class share: started in a folder of its own before the first test, closed and its
 * folder deleted after the last (kept, and named on standard error, when a test of the class failed). Register a subclass on a static field with {@code @RegisterExtension}.
 */
abstract class PerClass<T extends AutoCloseable> implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private Path dir;
    private T resource;
    private boolean failed;

    /** Starts the resource with {@code dir} as its own folder. */
    abstract T start(Path dir) throws Exception;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("shardline-" + context.getRequiredTestClass().getSimpleName() + "-");
        resource = start(dir);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failed |= context.getExecutionException().isPresent();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (resource != null) {
                resource.close();
            }
        } finally {
            resource = null;
            if (failed || context.getExecutionException().isPresent()) {
                // Logs and data of a failed class stay for whoever looks into it.
                System.err.println("kept for the failure's inspection: " + dir);
            } else {
                deleteTree(dir);
            }
        }
    }

    /** The running resource; only between the class's first and last test. */
    public T get() {
        if (resource == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " runs only while its test class runs; register it"
                    + " with @RegisterExtension on a static field");
        }
        return resource;
    }

    /** A folder of the test class's own, deleted after its last test: for datasets, checkpoints, scratch files. */
    public Path dir() {
        get();
        return dir;
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
