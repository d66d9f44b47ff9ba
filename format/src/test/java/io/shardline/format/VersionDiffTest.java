package io.shardline.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionDiffTest {

    static ShardEntry shard(String name, ShardTable table, long rows, String sha, long first) {
        return new ShardEntry("shards/" + table.id() + "/" + name, table, rows, rows * 100, sha,
                table.derived() ? List.of() : List.of(new OffsetRange("raw." + table.id(), 0, first, first + rows - 1, rows)), null);
    }

    @Test
    void addedRemovedAndRewrittenShardsWithTheirRowsAndSources() {
        ShardEntry a = shard("a", ShardTable.TEXT, 10, "aa", 0);
        ShardEntry b = shard("b", ShardTable.TEXT, 20, "bb", 10);
        ShardEntry c = shard("c", ShardTable.IMAGE, 5, "cc", 0);
        ShardEntry bRewritten = shard("b", ShardTable.TEXT, 18, "b2", 10);
        ShardEntry d = shard("d", ShardTable.TEXT, 7, "dd", 30);
        ShardEntry tokens = shard("t", ShardTable.TEXT_TOKENS, 3, "tt", 0);
        DatasetManifest v1 = DatasetManifest.of("ds", 1, "t1", List.of(a, b, c), List.of("f"));
        DatasetManifest v2 = DatasetManifest.of("ds", 2, "t2", List.of(a, bRewritten, d, tokens), List.of("f"));

        VersionDiff diff = VersionDiff.of(v1, v2);
        assertThat(diff.added()).extracting(ShardEntry::path).containsExactly("shards/text-tokens/t", "shards/text/b", "shards/text/d");
        assertThat(diff.removed()).extracting(ShardEntry::path).containsExactly("shards/image/c", "shards/text/b");
        assertThat(diff.rowsByTable()).isEqualTo(Map.of("text", 5L, "image", -5L, "text-tokens", 3L));
        assertThat(diff.sourcesAdded()).containsExactly(new OffsetRange("raw.text", 0, 10, 36, 25));
        assertThat(diff.sourcesRemoved()).containsExactly(new OffsetRange("raw.image", 0, 0, 4, 5), new OffsetRange("raw.text", 0, 10, 29, 20));
        assertThat(diff.describe().get(0)).isEqualTo("v1 -> v2: 3 shards added, 2 removed");
        assertThat(VersionDiff.of(v2, v2).isEmpty()).isTrue();
    }
}
