package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable dataset version: the complete list of its shards, with everything needed to verify them and
 * to tell where their rows came from. Written once, as {@code versions/v<NNNNNNNN>.json} under the dataset
 * root, after every shard it names was committed; never rewritten.
 *
 * @param formatVersion manifest format version, {@link #FORMAT_VERSION}
 * @param dataset dataset name
 * @param version version number, starting at 1, increasing by one
 * @param createdAt ISO-8601 UTC time of publication
 * @param configFingerprints fingerprints of the configurations that wrote the shards (normally one)
 * @param schemas per table id, the Parquet schema text of its shards
 * @param shards the shards, sorted by path
 * @param sources per source partition, the covering offset range and count of records over all shards of
 *     record tables (derived tables, whose rows are not records, left out)
 * @param obsolete committed shards left out because a restore made them obsolete (their rows are written again),
 *     sorted by path; not served
 * @param removals the numbers of the takedown requests ({@link Removal}) this version honours: none of their
 *     records is among its rows
 * @param removed the rows takedowns removed from this version or an earlier one, by removal and shard
 * @param replaced the shards takedowns replaced with rewritten ones (or with none), sorted by path; not served
 */
public record DatasetManifest(
        int formatVersion,
        String dataset,
        long version,
        String createdAt,
        List<String> configFingerprints,
        Map<String, String> schemas,
        List<ShardEntry> shards,
        List<OffsetRange> sources,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ObsoleteShard> obsolete,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Long> removals,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RemovedRow> removed,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ReplacedShard> replaced) {

    /**
     * 4: {@code removals}, {@code removed} and {@code replaced} record takedowns; 3: shards name their {@code run},
     * and {@code obsolete} lists what restores replaced; 2: shards name their {@code table} (format 1:
     * {@code modality}). All still read.
     */
    public static final int FORMAT_VERSION = 4;

    public DatasetManifest {
        Objects.requireNonNull(dataset, "dataset");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, was " + version);
        }
        configFingerprints = List.copyOf(configFingerprints);
        schemas = Map.copyOf(schemas);
        shards = List.copyOf(shards);
        sources = List.copyOf(sources);
        obsolete = obsolete == null ? List.of() : List.copyOf(obsolete);
        removals = removals == null ? List.of() : removals.stream().distinct().sorted().toList();
        removed = removed == null ? List.of() : List.copyOf(removed);
        replaced = replaced == null ? List.of() : replaced.stream().sorted(Comparator.comparing(r -> r.shard().path())).toList();
    }

    /** What takedowns did to a version: the removals it honours, the rows they removed, the shards they replaced. */
    public record Takedowns(List<Long> removals, List<RemovedRow> removed, List<ReplacedShard> replaced) {
        public static final Takedowns NONE = new Takedowns(List.of(), List.of(), List.of());
    }

    /** The takedown state of this version, to carry into the next. */
    public Takedowns takedowns() {
        return new Takedowns(removals, removed, replaced);
    }

    /** Builds a manifest from shards in any order: sorts them and derives schemas and source ranges. */
    public static DatasetManifest of(String dataset, long version, String createdAt, List<ShardEntry> shards,
            List<String> configFingerprints) {
        return of(dataset, version, createdAt, shards, configFingerprints, List.of());
    }

    /** Like {@link #of(String, long, String, List, List)}, with the obsolete shards left out of it. */
    public static DatasetManifest of(String dataset, long version, String createdAt, List<ShardEntry> shards,
            List<String> configFingerprints, List<ObsoleteShard> obsolete) {
        return of(dataset, version, createdAt, shards, configFingerprints, obsolete, Takedowns.NONE);
    }

    /** Like {@link #of(String, long, String, List, List, List)}, with what takedowns removed and replaced. */
    public static DatasetManifest of(String dataset, long version, String createdAt, List<ShardEntry> shards,
            List<String> configFingerprints, List<ObsoleteShard> obsolete, Takedowns takedowns) {
        List<ObsoleteShard> obsoleteSorted = new ArrayList<>(obsolete);
        obsoleteSorted.sort(Comparator.comparing(o -> o.shard().path()));
        List<ShardEntry> sorted = new ArrayList<>(shards);
        sorted.sort(Comparator.comparing(ShardEntry::path));
        Map<String, String> schemas = new TreeMap<>();
        for (ShardEntry s : sorted) {
            schemas.put(s.table().id(), ShardSchemas.schema(s.table()).toString());
        }
        return new DatasetManifest(FORMAT_VERSION, dataset, version, createdAt,
                configFingerprints.stream().distinct().sorted().toList(), schemas, sorted, mergeSources(sorted), obsoleteSorted,
                takedowns.removals(), takedowns.removed(), takedowns.replaced());
    }

    static List<OffsetRange> mergeSources(List<ShardEntry> shards) {
        Map<String, OffsetRange> byPartition = new TreeMap<>();
        for (ShardEntry s : shards) {
            if (s.table().derived()) {
                continue;
            }
            for (OffsetRange r : s.sources()) {
                byPartition.merge(r.partitionKey(), r, OffsetRange::merge);
            }
        }
        return List.copyOf(byPartition.values());
    }

    public long totalRows() {
        return shards.stream().mapToLong(ShardEntry::rows).sum();
    }

    public long totalBytes() {
        return shards.stream().mapToLong(ShardEntry::bytes).sum();
    }

    /** Rows of a modality's sample table. */
    public long rows(Modality modality) {
        return rows(ShardTable.of(modality));
    }

    public long rows(ShardTable table) {
        return shards.stream().filter(s -> s.table() == table).mapToLong(ShardEntry::rows).sum();
    }

    /** The same content with the publication facts (version number, time) blanked, to compare two manifests. */
    public DatasetManifest content() {
        return new DatasetManifest(formatVersion, dataset, 1, "", configFingerprints, schemas, shards, sources, obsolete,
                removals, removed, replaced);
    }
}
