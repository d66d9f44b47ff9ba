package io.shardline.format;

/**
 * A version could not be published because it exists already: another publisher (a second job on the same
 * dataset root, or {@code shardline versions publish}) published it first. Versions are immutable; the loser
 * reads the new latest version and publishes the next one.
 */
public final class VersionExistsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final long version;

    public VersionExistsException(String dataset, long version, String path) {
        super("version " + version + " of dataset " + dataset + " was published by another publisher at " + path
                + ": versions are immutable, so this one was not written");
        this.version = version;
    }

    public long version() {
        return version;
    }
}
