package io.shardline.config;

import java.util.List;

/**
 * The key space of the project: each module reads the keys of its own namespaces. One configuration file may
 * hold them all (the job, the feeder and the command line read the same file); each reader checks its own
 * namespaces strictly and leaves the others' keys to them. A {@code shardline.} key in none of these
 * namespaces is a mistake whoever reads it.
 */
public final class Namespaces {

    private Namespaces() {}

    public static final String INGEST = "shardline.ingest.";
    public static final String PREPROCESS = "shardline.preprocess.";
    public static final String SHARD_WRITER = "shardline.shard-writer.";
    public static final String PIPELINE = "shardline.pipeline.";
    public static final String S3 = "shardline.s3.";
    public static final String FEEDER = "shardline.feeder.";

    public static final List<String> ALL = List.of(INGEST, PREPROCESS, SHARD_WRITER, PIPELINE, S3, FEEDER);

    /** {@code shardline.ingest.text.topic} -> {@code shardline.ingest.}; keys outside {@code shardline.} have none. */
    static String of(String key) {
        if (!key.startsWith("shardline.")) {
            return "";
        }
        int dot = key.indexOf('.', "shardline.".length());
        return dot < 0 ? key : key.substring(0, dot + 1);
    }
}
