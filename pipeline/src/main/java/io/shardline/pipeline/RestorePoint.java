package io.shardline.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Where a job resumes from when its cluster lost it: a savepoint or retained checkpoint (a folder with a
 * {@code _metadata} file), or the latest complete checkpoint of a job's checkpoint folder
 * ({@code <state.checkpoints.dir>/<job-id>}, holding {@code chk-<n>} folders). A checkpoint folder without
 * {@code _metadata} was still being written when the job died and is skipped.
 */
public final class RestorePoint {

    static final String METADATA = "_metadata";
    private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

    private RestorePoint() {}

    /**
     * The savepoint or checkpoint to restore from for {@code location}: itself if it holds {@code _metadata},
     * else its latest complete {@code chk-<n>}.
     *
     * @throws IllegalArgumentException when there is none
     */
    public static String resolve(String location) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem();
            if (fs.exists(new Path(path, METADATA))) {
                return path.toString();
            }
            return latestCheckpoint(fs, path).orElseThrow(() -> new IllegalArgumentException("no savepoint or complete"
                    + " checkpoint at " + location + ": give a savepoint folder, a chk-<n> folder, or a job's checkpoint"
                    + " folder <state.checkpoints.dir>/<job-id>")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for a restore point at " + location, e);
        }
    }

    private static Optional<Path> latestCheckpoint(FileSystem fs, Path jobDir) throws IOException {
        if (!fs.exists(jobDir)) {
            return Optional.empty();
        }
        Path best = null;
        long bestId = -1;
        for (FileStatus st : fs.listStatus(jobDir)) {
            Matcher m = CHECKPOINT.matcher(st.getPath().getName());
            if (st.isDir() && m.matches() && Long.parseLong(m.group(1)) > bestId && fs.exists(new Path(st.getPath(), METADATA))) {
                best = st.getPath();
                bestId = Long.parseLong(m.group(1));
            }
        }
        return Optional.ofNullable(best);
    }
}
