package io.shardline.format;

/** A shard or manifest on storage is not what it must be: wrong checksum, bad footer, missing lineage. */
public class ShardIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShardIntegrityException(String message) {
        super(message);
    }

    public ShardIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
