package io.shardline.format;

import io.shardline.format.internal.ManifestCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * A dataset on storage, through the Hadoop FileSystem API ({@code file://}, {@code s3a://}, {@code s3://}
 * mapped to S3A, {@code hdfs://}). Layout under the dataset root:
 *
 * <pre>
 *   shards/&lt;table&gt;/part-*.parquet      committed shards (in-progress files are hidden dot-files)
 *   versions/v00000001.json             one immutable manifest per version
 *   runs/r00000001.json                 one record per start of a job writing the dataset, in order
 *   removals/x00000001.json             one record per takedown request, in order
 *   rewritten/&lt;table&gt;/*.parquet        shards a takedown rewrote without the rows it removed
 * </pre>
 *
 * <p>Only committed shards are ever visible under {@code shards/}: the Flink file sink writes hidden
 * in-progress files and renames (or completes the multipart upload of) a shard only when the checkpoint
 * that covers it completes. Listing is therefore a safe source of truth for what was committed.
 *
 * <p>Publishing is safe between processes: two publishers never both write one version (see {@link #publish}).
 */
public final class DatasetStore {

    public static final String SHARDS_DIR = "shards";
    public static final String VERSIONS_DIR = "versions";
    public static final String RUNS_DIR = "runs";
    public static final String REMOVALS_DIR = "removals";
    public static final String REWRITTEN_DIR = "rewritten";
    public static final String SHARD_SUFFIX = ".parquet";

    private static final Pattern VERSION_FILE = Pattern.compile("v(\\d{8})\\.json");
    private static final Pattern RUN_FILE = Pattern.compile("r(\\d{8})\\.json");
    private static final Pattern REMOVAL_FILE = Pattern.compile("x(\\d{8})\\.json");
    /** How often {@link #recordRun} takes the next sequence number after another writer took one. */
    private static final int RECORD_ATTEMPTS = 20;
    private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};
    /** Hadoop's create option for "only if absent"; S3A sends it as {@code If-None-Match: *}. */
    private static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

    private final String dataset;
    private final Path root;
    private final FileSystem fs;
    private final long maxFooterBytes;
    /** Run records read so far, by number: immutable once written. */
    private final Map<Long, JobRun> runsRead = new ConcurrentHashMap<>();
    /** Removal records read so far, by number: immutable once written. */
    private final Map<Long, Removal> removalsRead = new ConcurrentHashMap<>();

    /**
     * @param dataset dataset name, written into manifests
     * @param root the dataset root URI, e.g. {@code file:///data/ds} or {@code s3://bucket/datasets/ds}
     * @param conf Hadoop configuration (S3A endpoint, credentials, ...)
     * @param maxFooterBytes largest Parquet footer accepted; a larger one is treated as corrupt
     */
    public DatasetStore(String dataset, URI root, Configuration conf, long maxFooterBytes) {
        this.dataset = dataset;
        this.root = new Path(root);
        this.maxFooterBytes = maxFooterBytes;
        Configuration c = new Configuration(conf);
        // s3:// is what Flink's S3 filesystem writes; Hadoop reads the same objects through S3A.
        if (c.get("fs.s3.impl") == null) {
            c.set("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
        }
        try {
            FileSystem f = fileSystem(this.root, c);
            // The checksummed local filesystem would write .crc sidecar files beside manifests.
            this.fs = f instanceof LocalFileSystem local ? local.getRaw() : f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the filesystem of dataset root " + root, e);
        }
    }

    /**
     * Hadoop's own cache keeps one filesystem per scheme and bucket, whatever its endpoint or credentials: a
     * second store of the same bucket name elsewhere (another S3-compatible server, a restarted local one on
     * another port) would be handed the first one's. S3 filesystems are kept here by bucket, endpoint and
     * access key instead, one instance each for the life of the JVM, as Hadoop's cache would.
     */
    private static final java.util.concurrent.ConcurrentMap<String, FileSystem> S3_FILESYSTEMS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A file of this store as Parquet reads it, through this store's filesystem (not Hadoop's cache). */
    public org.apache.parquet.io.InputFile inputFile(Path file) throws IOException {
        return inputFile(file, fs.getFileStatus(file).getLen());
    }

    private org.apache.parquet.io.InputFile inputFile(Path file, long length) {
        return new org.apache.parquet.io.InputFile() {
            @Override
            public long getLength() {
                return length;
            }

            @Override
            public org.apache.parquet.io.SeekableInputStream newStream() throws IOException {
                return org.apache.parquet.hadoop.util.HadoopStreams.wrap(fs.open(file));
            }
        };
    }

    static FileSystem fileSystem(Path root, Configuration c) throws IOException {
        String scheme = root.toUri().getScheme();
        if (scheme == null || !(scheme.equals("s3") || scheme.equals("s3a"))) {
            return root.getFileSystem(c);
        }
        String key = scheme + "://" + root.toUri().getAuthority() + "|" + c.get("fs.s3a.endpoint", "") + "|"
                + Integer.toHexString(java.util.Objects.hashCode(c.get("fs.s3a.access.key")));
        try {
            return S3_FILESYSTEMS.computeIfAbsent(key, k -> {
                try {
                    return FileSystem.newInstance(root.toUri(), c);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    public String dataset() {
        return dataset;
    }

    public Path root() {
        return root;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /** Committed shards of all tables, sorted by path. */
    public List<Path> listCommittedShards() {
        List<Path> out = new ArrayList<>();
        for (ShardTable t : ShardTable.values()) {
            Path dir = new Path(root, SHARDS_DIR + "/" + t.id());
            try {
                if (!fs.exists(dir)) {
                    continue;
                }
                for (FileStatus st : fs.listStatus(dir)) {
                    String name = st.getPath().getName();
                    if (st.isFile() && !name.startsWith(".") && !name.startsWith("_") && name.endsWith(SHARD_SUFFIX)) {
                        out.add(st.getPath());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list shards under " + dir, e);
            }
        }
        out.sort(null);
        return out;
    }

    /** The path of a shard relative to the dataset root, as manifests store it. */
    public String relativize(Path shard) {
        String rootStr = fs.makeQualified(root).toUri().getPath();
        String shardStr = fs.makeQualified(shard).toUri().getPath();
        String prefix = rootStr.endsWith("/") ? rootStr : rootStr + "/";
        if (!shardStr.startsWith(prefix)) {
            throw new IllegalArgumentException(shard + " is not under dataset root " + root);
        }
        return shardStr.substring(prefix.length());
    }

    public Path resolve(String relativePath) {
        return new Path(root, relativePath);
    }

    /** A shard's manifest entry together with the lineage its footer holds. */
    public record Inspected(ShardEntry entry, ShardLineage lineage) {}

    /** Reads a shard's footer and checksum: the manifest entry that describes it. */
    public ShardEntry inspect(Path shard) {
        return inspectWithLineage(shard).entry();
    }

    /** Like {@link #inspect}, also returning the footer's lineage, reading the footer once. */
    public Inspected inspectWithLineage(Path shard) {
        ShardLineage lineage = readLineage(shard);
        try {
            long bytes = fs.getFileStatus(shard).getLen();
            return new Inspected(new ShardEntry(relativize(shard), lineage.table(), lineage.rows(), bytes, sha256(shard),
                    lineage.sources(), lineage.run()), lineage);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat shard " + shard, e);
        }
    }

    /** The lineage in a shard's footer, checked against the footer's own row count. */
    public ShardLineage readLineage(Path shard) {
        long length = checkFooterBounds(shard);
        ParquetMetadata footer;
        try (ParquetFileReader reader = ParquetFileReader.open(inputFile(shard, length))) {
            footer = reader.getFooter();
            String json = footer.getFileMetaData().getKeyValueMetaData().get(ShardLineage.FOOTER_KEY);
            if (json == null) {
                throw new ShardIntegrityException("shard " + shard + " has no '" + ShardLineage.FOOTER_KEY
                        + "' footer entry: it was not written by shardline");
            }
            ShardLineage lineage = ManifestCodec.lineageFromJson(json);
            long footerRows = reader.getRecordCount();
            if (footerRows != lineage.rows()) {
                throw new ShardIntegrityException("shard " + shard + " footer holds " + footerRows
                        + " rows but its lineage says " + lineage.rows());
            }
            return lineage;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ShardIntegrityException sie) {
                throw sie;
            }
            throw new ShardIntegrityException("cannot read the Parquet footer of " + shard + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rejects a file whose footer length field points outside the file or above the cap, before any
     * Parquet code allocates a buffer of that length.
     */
    /** Checks the footer's length against the file's and the cap; returns the file's length. */
    private long checkFooterBounds(Path shard) {
        try (FSDataInputStream in = fs.open(shard)) {
            long len = fs.getFileStatus(shard).getLen();
            if (len < 12) {
                throw new ShardIntegrityException("shard " + shard + " is " + len + " bytes: too short for Parquet");
            }
            byte[] tail = new byte[8];
            in.readFully(len - 8, tail);
            for (int i = 0; i < 4; i++) {
                if (tail[4 + i] != PARQUET_MAGIC[i]) {
                    throw new ShardIntegrityException("shard " + shard + " does not end with the Parquet magic: truncated or not Parquet");
                }
            }
            long footerLen = (tail[0] & 0xffL) | (tail[1] & 0xffL) << 8 | (tail[2] & 0xffL) << 16 | (tail[3] & 0xffL) << 24;
            if (footerLen > len - 12 || footerLen > maxFooterBytes) {
                throw new ShardIntegrityException("shard " + shard + " declares a footer of " + footerLen
                        + " bytes in a file of " + len + " (cap " + maxFooterBytes + "): corrupt");
            }
            return len;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + shard, e);
        }
    }

    public String sha256(Path file) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = fs.open(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to checksum it", e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Published version numbers, ascending. */
    public List<Long> versions() {
        return numbered(VERSIONS_DIR, VERSION_FILE);
    }

    /** The numbers of the files under {@code dir} whose names match {@code name} (group 1), ascending. */
    private List<Long> numbered(String dirName, Pattern name) {
        Path dir = new Path(root, dirName);
        List<Long> out = new ArrayList<>();
        try {
            if (!fs.exists(dir)) {
                return out;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                Matcher m = name.matcher(st.getPath().getName());
                if (st.isFile() && m.matches()) {
                    out.add(Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(null);
        return out;
    }

    /**
     * The runs recorded for this dataset, in the order they were recorded. Records are never rewritten: each is
     * read once by this store, later calls only list the folder.
     */
    public List<JobRun> runs() {
        List<JobRun> out = new ArrayList<>();
        for (long n : numbered(RUNS_DIR, RUN_FILE)) {
            out.add(runsRead.computeIfAbsent(n, this::readRun));
        }
        return out;
    }

    private JobRun readRun(long number) {
        Path p = runPath(number);
        try (FSDataInputStream in = fs.open(p)) {
            return ManifestCodec.runFromJson(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run record " + p, e);
        }
    }

    /**
     * Records a run, unless one of the same key is recorded already (a run recording itself again, after a
     * failure, changes nothing), as the next file of {@code runs/}: created only if absent, so that two runs
     * recording themselves at once get two numbers, in an order every reader sees alike.
     *
     * @return true when this call recorded it
     */
    public boolean recordRun(JobRun run) {
        byte[] json = ManifestCodec.runToJson(run);
        for (int attempt = 1; ; attempt++) {
            List<Long> numbers = numbered(RUNS_DIR, RUN_FILE);
            for (long n : numbers) {
                if (runsRead.computeIfAbsent(n, this::readRun).key().equals(run.key())) {
                    return false;
                }
            }
            long next = numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1;
            Path target = runPath(next);
            try {
                if (writeIfAbsent(target, json)) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record run " + run.key() + " at " + target, e);
            }
            if (attempt == RECORD_ATTEMPTS) {
                throw new IllegalStateException("could not record run " + run.key() + " under " + new Path(root, RUNS_DIR)
                        + ": another writer took each of " + RECORD_ATTEMPTS + " numbers first");
            }
        }
    }

    /** The takedown requests recorded for this dataset, in order. Each record is read once by this store. */
    public List<Removal> removals() {
        List<Removal> out = new ArrayList<>();
        for (long n : numbered(REMOVALS_DIR, REMOVAL_FILE)) {
            out.add(removalsRead.computeIfAbsent(n, this::readRemoval));
        }
        return out;
    }

    private Removal readRemoval(long number) {
        Path p = removalPath(number);
        try (FSDataInputStream in = fs.open(p)) {
            Removal r = ManifestCodec.removalFromJson(in.readAllBytes());
            if (r.number() != number) {
                throw new ShardIntegrityException(p + " holds removal " + r.number() + ", not " + number);
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read removal record " + p, e);
        }
    }

    /**
     * Records a takedown request as the next file of {@code removals/}, created only if absent: two requests
     * recorded at once get two numbers.
     *
     * @return the request as recorded, with its number
     */
    public Removal recordRemoval(Removal request) {
        for (int attempt = 1; ; attempt++) {
            List<Long> numbers = numbered(REMOVALS_DIR, REMOVAL_FILE);
            long next = numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1;
            Removal numbered = request.withNumber(next);
            Path target = removalPath(next);
            try {
                if (writeIfAbsent(target, ManifestCodec.removalToJson(numbered))) {
                    removalsRead.put(next, numbered);
                    return numbered;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record removal at " + target, e);
            }
            if (attempt == RECORD_ATTEMPTS) {
                throw new IllegalStateException("could not record a removal under " + new Path(root, REMOVALS_DIR)
                        + ": another writer took each of " + RECORD_ATTEMPTS + " numbers first");
            }
        }
    }

    public Path removalPath(long number) {
        return new Path(root, String.format("%s/x%08d.json", REMOVALS_DIR, number));
    }

    /**
     * Writes a new file through this store's filesystem and moves it into place only if no file of that name
     * exists: on object stores the upload itself becomes visible whole when it completes; elsewhere a hidden file
     * beside it is linked or renamed into place.
     *
     * @param write writes the file's bytes to the Parquet output it is given
     * @return false when a file of that name existed already (nothing of this call's is left behind)
     */
    public boolean createNew(Path target, ParquetWrite write) throws IOException {
        String scheme = fs.getUri().getScheme();
        boolean objectStore = scheme != null && scheme.startsWith("s3");
        if (objectStore) {
            if (fs.exists(target)) {
                return false;
            }
            write.to(outputFile(target));
            return true;
        }
        fs.mkdirs(target.getParent());
        Path hidden = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        boolean moved = false;
        try {
            write.to(outputFile(hidden));
            moved = moveNoReplace(hidden, target);
            return moved;
        } finally {
            if (!moved) {
                fs.delete(hidden, false);
            }
        }
    }

    /** Writes one Parquet file. */
    @FunctionalInterface
    public interface ParquetWrite {
        void to(org.apache.parquet.io.OutputFile out) throws IOException;
    }

    private org.apache.parquet.io.OutputFile outputFile(Path file) {
        return new org.apache.parquet.io.OutputFile() {
            @Override
            public org.apache.parquet.io.PositionOutputStream create(long blockSizeHint) throws IOException {
                return org.apache.parquet.hadoop.util.HadoopStreams.wrap(fs.create(file, false));
            }

            @Override
            public org.apache.parquet.io.PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return org.apache.parquet.hadoop.util.HadoopStreams.wrap(fs.create(file, true));
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }

            @Override
            public String getPath() {
                return file.toString();
            }
        };
    }

    /** Deletes a file of the dataset (a version's manifest, a shard no kept version serves); false if it was gone. */
    public boolean delete(Path file) {
        try {
            return fs.delete(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** Whether a file of the dataset exists. */
    public boolean exists(Path file) {
        try {
            return fs.exists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for " + file, e);
        }
    }

    public Path runPath(long number) {
        return new Path(root, String.format("%s/r%08d.json", RUNS_DIR, number));
    }

    public Optional<DatasetManifest> latest() {
        List<Long> v = versions();
        return v.isEmpty() ? Optional.empty() : Optional.of(read(v.get(v.size() - 1)));
    }

    public DatasetManifest read(long version) {
        Path p = versionPath(version);
        try (FSDataInputStream in = fs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            DatasetManifest m = ManifestCodec.manifestFromJson(out.toByteArray());
            if (m.version() != version) {
                throw new ShardIntegrityException(p + " holds version " + m.version() + ", not " + version);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + p, e);
        }
    }

    /**
     * Publishes a manifest, atomically and only if the version does not exist yet: the manifest becomes visible
     * whole or not at all, and of two publishers racing for one version exactly one wins. On object stores it is a
     * single conditional PUT ({@code If-None-Match: *}, which S3 and S3-compatible servers answer with 412 when
     * the key exists); on filesystems a hidden temporary file linked or renamed into place, which the filesystem
     * refuses when the name is taken.
     *
     * @throws VersionExistsException when the version exists already (another publisher won)
     */
    public void publish(DatasetManifest manifest) {
        Path target = versionPath(manifest.version());
        try {
            if (!writeIfAbsent(target, ManifestCodec.toJson(manifest))) {
                throw new VersionExistsException(dataset, manifest.version(), target.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish manifest " + target, e);
        }
    }

    /**
     * Writes a small file whole, only if no file of that name exists: on object stores one conditional PUT, on
     * filesystems a hidden temporary file linked or renamed into place.
     *
     * @return false when the name was taken (by another writer, or by other bytes)
     */
    private boolean writeIfAbsent(Path target, byte[] bytes) throws IOException {
        String scheme = fs.getUri().getScheme();
        if (scheme != null && scheme.startsWith("s3")) {
            return putIfAbsent(target, bytes);
        }
        Path write = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        boolean moved = false;
        try {
            try (FSDataOutputStream out = fs.create(write, false)) {
                out.write(bytes);
                out.hsync(); // on disk before the name appears: a crash never leaves an empty file
            }
            moved = moveNoReplace(write, target);
            return moved;
        } finally {
            if (!moved) {
                fs.delete(write, false);
            }
        }
    }

    /**
     * One PUT with {@code If-None-Match: *} through S3A's conditional create. A refused PUT surfaces when the
     * stream closes. S3A retries a PUT whose answer was lost, and the retry of a PUT that did succeed is refused
     * too: the object then holds exactly these bytes, and the write is ours.
     */
    private boolean putIfAbsent(Path target, byte[] bytes) throws IOException {
        FSDataOutputStreamBuilder<FSDataOutputStream, ?> create = fs.createFile(target);
        create.overwrite(false);
        create.must(CONDITIONAL_CREATE, true);
        try (FSDataOutputStream out = create.build()) {
            out.write(bytes);
            return true;
        } catch (IOException e) {
            byte[] existing;
            try (FSDataInputStream in = fs.open(target)) {
                existing = in.readAllBytes();
            } catch (IOException notThere) {
                e.addSuppressed(notThere);
                throw e; // the PUT failed for another reason: nothing is written
            }
            return Arrays.equals(existing, bytes);
        }
    }

    /**
     * Moves a finished file into place unless the target exists, atomically. A local rename would replace an
     * existing target, so local filesystems use a hard link, which the kernel refuses if the name is taken.
     */
    private boolean moveNoReplace(Path from, Path to) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            java.nio.file.Path src = local.pathToFile(from).toPath();
            try {
                Files.createLink(local.pathToFile(to).toPath(), src);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            Files.delete(src);
            return true;
        }
        return fs.rename(from, to); // HDFS and most others refuse to rename onto an existing file
    }

    public Path versionPath(long version) {
        return new Path(root, String.format("%s/v%08d.json", VERSIONS_DIR, version));
    }
}
