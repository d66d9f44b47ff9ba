package io.shardline.format;

import io.shardline.format.internal.Takedown;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes and rebuilds dataset versions from what is committed on storage.
 *
 * <p>A new version lists every shard of the previous version plus the shards committed since; each new shard
 * is read once (footer and SHA-256) when it first enters a version. A committed file that cannot be read is
 * left out, logged once as an error and listed by {@link #unreadableShards}; it never blocks the others.
 *
 * <p>The dataset only grows, but for one case: when a job is restored from a checkpoint older than its latest,
 * the shards its earlier run committed after that checkpoint are obsolete, since the restored job writes their
 * rows again ({@link RunHistory}, from the run records under {@code runs/}). The next version leaves them out and
 * lists them as {@link DatasetManifest#obsolete}; the versions published before keep them, each consistent in
 * itself.
 */
public final class DatasetVersions {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetVersions.class);

    private final DatasetStore store;
    private final Clock clock;
    private final Set<String> reported = new HashSet<>();
    private volatile List<Unreadable> unreadable = List.of();

    /** A committed file under {@code shards/} that could not be read as a shard, and why. */
    public record Unreadable(String path, String reason) {}

    public DatasetVersions(DatasetStore store) {
        this(store, Clock.systemUTC());
    }

    public DatasetVersions(DatasetStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The dataset these versions are of. */
    public DatasetStore store() {
        return store;
    }

    /** How often {@link #publishNext} reads the latest version again after losing a race for the next one. */
    static final int PUBLISH_ATTEMPTS = 10;

    /**
     * Publishes the next version if shards were committed since the latest one, or if {@code force} is set
     * (then a version is published even when nothing changed, e.g. on demand to pin the current state).
     *
     * <p>Another publisher may take the next version number first; then this one starts over from the version
     * the other published, so shards are never lost between the two and no version is ever overwritten.
     *
     * @return the new manifest, or empty when nothing was published
     * @throws VersionExistsException when every one of {@value #PUBLISH_ATTEMPTS} attempts lost a race
     */
    public Optional<DatasetManifest> publishNext(boolean force) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tryPublishNext(force);
            } catch (VersionExistsException e) {
                if (attempt == PUBLISH_ATTEMPTS) {
                    throw e;
                }
                LOG.info("Version {} of dataset {} was published by another publisher; publishing after it",
                        e.version(), store.dataset());
                backOff(attempt);
            }
        }
    }

    /** A random pause that grows with the attempt, so that racing publishers stop meeting at the same version. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 100) * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing a version", e);
        }
    }

    private Optional<DatasetManifest> tryPublishNext(boolean force) {
        Optional<DatasetManifest> previous = store.latest();
        // Every shard the previous version knew, served or obsolete: read once, when it first entered a version.
        List<ShardEntry> candidates = new ArrayList<>();
        Set<String> known = new HashSet<>();
        Set<String> wasObsolete = new HashSet<>();
        List<String> fingerprints = new ArrayList<>();
        Set<String> served = new HashSet<>();
        previous.ifPresent(p -> {
            candidates.addAll(p.shards());
            p.shards().forEach(s -> served.add(s.path()));
            p.replaced().forEach(r -> known.add(r.shard().path())); // never served again, nor taken for new
            p.obsolete().forEach(o -> {
                candidates.add(o.shard());
                wasObsolete.add(o.shard().path());
            });
            candidates.forEach(s -> known.add(s.path()));
            fingerprints.addAll(p.configFingerprints());
        });
        int added = 0;
        List<Unreadable> failed = new ArrayList<>();
        for (Path shard : store.listCommittedShards()) {
            String path = store.relativize(shard);
            if (!known.contains(path)) {
                DatasetStore.Inspected shardInfo;
                try {
                    shardInfo = store.inspectWithLineage(shard);
                } catch (RuntimeException e) { // corrupt, or storage failing on this one file
                    failed.add(new Unreadable(path, e.getMessage()));
                    if (reported.add(path)) {
                        LOG.error("Shard {} of dataset {} cannot be read ({}). It stays out of every version until it can be"
                                + " read, and the other shards are published without it. If it stays unreadable, move it out of"
                                + " {}/shards/ and replay the records it held.", path, store.dataset(), e.getMessage(), store.root());
                    }
                    continue;
                }
                candidates.add(shardInfo.entry());
                fingerprints.add(shardInfo.lineage().configFingerprint());
                added++;
            }
        }
        unreadable = List.copyOf(failed);

        // A restore of an older checkpoint makes the shards committed after it obsolete: their rows are written again.
        RunHistory runs = RunHistory.of(store.runs());
        List<ShardEntry> shards = new ArrayList<>();
        List<ObsoleteShard> obsolete = new ArrayList<>();
        boolean changed = added > 0;
        for (ShardEntry s : candidates) {
            Optional<String> why = runs.obsolete(s.run());
            if (why.isPresent()) {
                obsolete.add(new ObsoleteShard(s, why.get()));
                if (!wasObsolete.contains(s.path())) {
                    changed = true;
                    LOG.warn("Shard {} of dataset {} ({} rows) is left out of the next version: {}", s.path(), store.dataset(),
                            s.rows(), why.get());
                }
            } else {
                shards.add(s);
                changed |= wasObsolete.contains(s.path());
            }
        }
        // Takedowns: rows that removal requests name are rewritten out of the shards that hold them.
        Set<String> fresh = new HashSet<>();
        shards.forEach(s -> {
            if (!served.contains(s.path())) {
                fresh.add(s.path());
            }
        });
        Takedown.Result takedown = new Takedown(store).apply(shards, fresh,
                previous.map(DatasetManifest::takedowns).orElse(DatasetManifest.Takedowns.NONE), store.removals());
        changed |= takedown.changed();
        if (!changed && !force) {
            return Optional.empty();
        }
        long version = previous.map(p -> p.version() + 1).orElse(1L);
        DatasetManifest manifest = DatasetManifest.of(store.dataset(), version, now(), takedown.shards(), fingerprints, obsolete,
                takedown.takedowns());
        store.publish(manifest);
        if (takedown.rowsRemoved() > 0) {
            LOG.info("Version {} of dataset {} leaves out {} rows that removals {} name: {} shards rewritten without them under {}/",
                    version, store.dataset(), takedown.rowsRemoved(), manifest.removals(), takedown.shardsRewritten(),
                    store.resolve(DatasetStore.REWRITTEN_DIR));
        }
        LOG.info("Published version {} of dataset {}: {} shards ({} new), {} rows, {} bytes, {} obsolete shards left out, at {}",
                version, store.dataset(), manifest.shards().size(), added, manifest.totalRows(),
                manifest.totalBytes(), obsolete.size(), store.versionPath(version));
        return Optional.of(manifest);
    }

    /**
     * The committed files the latest {@link #publishNext} found unreadable and left out (every one is tried again
     * by the next publish): a corrupt file, or one the storage failed to return.
     */
    public List<Unreadable> unreadableShards() {
        return unreadable;
    }

    /**
     * A manifest rebuilt from the committed shards' footers and the dataset's run records alone, with the given
     * version number: the shards a restore made obsolete are left out as {@link #publishNext} leaves them out.
     */
    public DatasetManifest rebuild(long version) {
        RunHistory runs = RunHistory.of(store.runs());
        List<ShardEntry> shards = new ArrayList<>();
        List<ObsoleteShard> obsolete = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (Path shard : store.listCommittedShards()) {
            DatasetStore.Inspected shardInfo = store.inspectWithLineage(shard);
            Optional<String> why = runs.obsolete(shardInfo.entry().run());
            if (why.isPresent()) {
                obsolete.add(new ObsoleteShard(shardInfo.entry(), why.get()));
            } else {
                shards.add(shardInfo.entry());
            }
            fingerprints.add(shardInfo.lineage().configFingerprint());
        }
        // Every removal applied afresh: rewrites are deterministic, so the files takedowns wrote are found again.
        Set<String> all = new HashSet<>();
        shards.forEach(s -> all.add(s.path()));
        Takedown.Result takedown = new Takedown(store).apply(shards, all, DatasetManifest.Takedowns.NONE, store.removals());
        return DatasetManifest.of(store.dataset(), version, now(), takedown.shards(), fingerprints, obsolete, takedown.takedowns());
    }

    /**
     * Checks that every shard a version lists exists with the size and SHA-256 the manifest gives.
     *
     * @return the problems found, empty when the version is intact
     */
    public List<String> verify(DatasetManifest manifest) {
        List<String> problems = new ArrayList<>();
        for (ShardEntry s : manifest.shards()) {
            Path p = store.resolve(s.path());
            try {
                ShardEntry actual = store.inspect(p);
                if (actual.bytes() != s.bytes()) {
                    problems.add(s.path() + ": " + actual.bytes() + " bytes, manifest says " + s.bytes());
                } else if (!actual.sha256().equals(s.sha256())) {
                    problems.add(s.path() + ": SHA-256 " + actual.sha256() + ", manifest says " + s.sha256());
                } else if (actual.rows() != s.rows()) {
                    problems.add(s.path() + ": " + actual.rows() + " rows, manifest says " + s.rows());
                }
            } catch (RuntimeException e) {
                problems.add(s.path() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * What {@link #collect} would delete: the versions kept (the newest {@code keepNewest}, those created within
     * {@code keepFor}, and always the latest), the versions dropped, and the shard files no kept version serves
     * that dropped versions served or takedowns replaced: the shards takedowns replaced, once no kept version serves
     * them. A file that a kept version serves or
     * lists as obsolete is never among them.
     *
     * @param keepNewest how many of the newest versions to keep, at least 1
     * @param keepFor keep also every version created within this long before now; null for none
     */
    public CollectionPlan planCollection(int keepNewest, java.time.Duration keepFor) {
        if (keepNewest < 1) {
            throw new IllegalArgumentException("keep at least the newest version (--keep 1), was " + keepNewest);
        }
        List<Long> all = store.versions();
        Instant cutoff = keepFor == null ? null : Instant.now(clock).minus(keepFor);
        List<Long> kept = new ArrayList<>();
        List<Long> dropped = new ArrayList<>();
        java.util.Map<String, Long> candidates = new java.util.TreeMap<>();
        Set<String> listed = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            DatasetManifest m = store.read(all.get(i));
            boolean keep = i >= all.size() - keepNewest
                    || (cutoff != null && !Instant.parse(m.createdAt()).isBefore(cutoff));
            if (keep) {
                kept.add(m.version());
                m.shards().forEach(s -> listed.add(s.path()));
                m.obsolete().forEach(o -> listed.add(o.shard().path()));
            } else {
                dropped.add(m.version());
                m.shards().forEach(s -> candidates.put(s.path(), s.bytes()));
            }
            // A shard rewritten in the very publish that brought it was never served: it goes too.
            m.replaced().forEach(r -> candidates.put(r.shard().path(), r.shard().bytes()));
        }
        candidates.keySet().removeAll(listed);
        long bytes = candidates.values().stream().mapToLong(Long::longValue).sum();
        return new CollectionPlan(kept, dropped, List.copyOf(candidates.keySet()), bytes);
    }

    /** What a collection keeps and deletes ({@link #planCollection}). */
    public record CollectionPlan(List<Long> kept, List<Long> dropped, List<String> files, long bytes) {}

    /**
     * Deletes what a plan names: the dropped versions' manifests first (oldest first, so that no reader starts
     * on a version whose files are going), then the files. Safe to run again after a failure part way.
     *
     * @return the files deleted (those already gone are left out)
     */
    public List<String> collect(CollectionPlan plan) {
        long latest = store.versions().stream().mapToLong(Long::longValue).max().orElse(0);
        if (plan.dropped().contains(latest)) {
            throw new IllegalStateException("a collection never drops the latest version (" + latest + ")");
        }
        for (long v : plan.dropped()) {
            store.delete(store.versionPath(v));
        }
        List<String> deleted = new ArrayList<>();
        for (String f : plan.files()) {
            if (store.delete(store.resolve(f))) {
                deleted.add(f);
            }
        }
        LOG.info("Collected dataset {}: versions {} deleted, {} kept; {} shard files deleted", store.dataset(), plan.dropped(),
                plan.kept(), deleted.size());
        return deleted;
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
