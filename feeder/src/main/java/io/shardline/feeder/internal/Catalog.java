package io.shardline.feeder.internal;

import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederOptions;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardEntry;
import io.shardline.format.ShardIntegrityException;
import io.shardline.format.ShardTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageTypeParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datasets a feeder serves: their pinned versions (manifests are immutable, so each is read once) and
 * the verified bytes of their shards.
 */
public final class Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    /** One table of one version, as served: its shards in manifest order and the Arrow schema of the requested columns. */
    public record Table(String dataset, long version, ShardTable table, List<ShardEntry> shards, Schema schema) {
        long[] rows() {
            return shards.stream().mapToLong(ShardEntry::rows).toArray();
        }
    }

    private final Map<String, DatasetStore> stores = new LinkedHashMap<>();
    private final Map<String, DatasetManifest> manifests = new ConcurrentHashMap<>();
    /** Tables as served, by dataset, version, table and columns: all immutable, so each is built once. */
    private final Map<List<Object>, Table> tables = new ConcurrentHashMap<>();
    private final long maxShardBytes;
    private final FeederMetrics metrics;

    public Catalog(Map<String, URI> datasets, Configuration hadoop, long maxFooterBytes, long maxShardBytes, FeederMetrics metrics) {
        datasets.forEach((name, root) -> stores.put(name, new DatasetStore(name, root, hadoop, maxFooterBytes)));
        this.maxShardBytes = Math.min(maxShardBytes, Integer.MAX_VALUE - 8);
        this.metrics = metrics;
    }

    public DatasetStore store(String dataset) {
        DatasetStore s = stores.get(dataset);
        if (s == null) {
            throw new IllegalArgumentException("no dataset '" + dataset + "' here; this feeder serves " + stores.keySet());
        }
        return s;
    }

    /**
     * Reads the newest manifest of every dataset once, at start: the first request then finds the file systems
     * set up and the manifest parsed (on a fresh JVM that was most of a second). A dataset that cannot be read
     * yet (no version published, store unreachable) is left for the first request, which reports it.
     */
    public void warmUp() {
        // A fresh JVM hashes in the interpreter until the JIT gets to SHA-256, and at start its queue is long:
        // the first shards then verified at a few tens of MB/s. Hashing a few MB here gets the compiled
        // (SHA-NI) code ready before the first shard arrives.
        MessageDigest sha = sha256();
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < 48; i++) {
            sha.update(block, 0, block.length);
        }
        sha.digest();
        for (String dataset : stores.keySet()) {
            try {
                manifest(dataset, latest(dataset));
            } catch (RuntimeException e) {
                LOG.info("Dataset '{}' not readable at start ({}); requests will try again", dataset, e.getMessage());
            }
        }
    }

    /** The newest published version of a dataset. */
    public long latest(String dataset) {
        List<Long> versions = store(dataset).versions();
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + dataset + "' has no published version yet");
        }
        return versions.get(versions.size() - 1);
    }

    public DatasetManifest manifest(String dataset, long version) {
        DatasetStore store = store(dataset);
        return manifests.computeIfAbsent(dataset + "@" + version, k -> {
            if (!store.versions().contains(version)) {
                throw new IllegalArgumentException("dataset '" + dataset + "' has no version " + version + "; it has " + store.versions());
            }
            return store.read(version);
        });
    }

    public Table table(FeedRequest request) {
        List<Object> key = List.of(request.dataset(), request.version(), request.table(), request.columns());
        Table cached = tables.get(key);
        if (cached == null) {
            cached = build(request);
            tables.putIfAbsent(key, cached);
        }
        return cached;
    }

    private Table build(FeedRequest request) {
        DatasetManifest m = manifest(request.dataset(), request.version());
        ShardTable t;
        try {
            t = ShardTable.fromId(request.table());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no table '" + request.table() + "': " + e.getMessage(), e);
        }
        String schemaText = m.schemas().get(t.id());
        if (schemaText == null) {
            throw new IllegalArgumentException("version " + m.version() + " of '" + request.dataset() + "' has no shards of table '"
                    + t.id() + "'; its tables are " + m.schemas().keySet());
        }
        Schema schema = ArrowColumns.arrowSchema(ArrowColumns.project(MessageTypeParser.parseMessageType(schemaText), request.columns()));
        List<ShardEntry> shards = new ArrayList<>();
        for (ShardEntry s : m.shards()) {
            if (s.table() == t && s.rows() > 0) {
                shards.add(s);
            }
        }
        // Served under the name this feeder gives the dataset, whatever name its manifests carry.
        return new Table(request.dataset(), m.version(), t, List.copyOf(shards), schema);
    }

    /**
     * The whole shard, read sequentially and checked against the manifest's size and SHA-256 before any row
     * of it is served.
     */
    public byte[] read(String dataset, ShardEntry shard) {
        if (shard.bytes() > maxShardBytes) {
            throw new IllegalArgumentException("shard " + shard.path() + " is " + shard.bytes() + " bytes, above "
                    + FeederOptions.MAX_SHARD_SIZE.key() + " (" + maxShardBytes + ")");
        }
        DatasetStore store = store(dataset);
        Path path = store.resolve(shard.path());
        byte[] bytes = new byte[(int) shard.bytes()];
        MessageDigest sha = sha256();
        try (InputStream in = store.fileSystem().open(path)) {
            int at = 0;
            while (at < bytes.length) {
                int n = in.read(bytes, at, Math.min(1 << 20, bytes.length - at));
                if (n < 0) {
                    metrics.checksumFailures.increment();
                    throw new ShardIntegrityException("shard " + shard.path() + " of dataset '" + dataset + "' ends after "
                            + at + " bytes; the manifest says " + shard.bytes() + ": it is truncated");
                }
                sha.update(bytes, at, n);
                at += n;
            }
            if (in.read() >= 0) {
                metrics.checksumFailures.increment();
                throw new ShardIntegrityException("shard " + shard.path() + " of dataset '" + dataset
                        + "' is longer than the " + shard.bytes() + " bytes the manifest gives: it was changed");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read shard " + path + ": " + e.getMessage(), e);
        }
        metrics.shardBytesRead.add(bytes.length);
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(shard.sha256())) {
            metrics.checksumFailures.increment();
            throw new ShardIntegrityException("shard " + shard.path() + " of dataset '" + dataset + "' is corrupt: its SHA-256 is "
                    + actual + ", the manifest says " + shard.sha256() + ". Nothing of it was served; restore the"
                    + " shard from a copy, or check the version with the versions command.");
        }
        return bytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
