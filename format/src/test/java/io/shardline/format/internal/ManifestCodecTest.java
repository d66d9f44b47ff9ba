package io.shardline.format.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.Modality;
import io.shardline.format.ShardEntry;
import io.shardline.format.ShardLineage;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

    @Test
    void readsFormatOneWhereShardsNamedTheirModality() {
        String v1 = """
                {"formatVersion":1,"dataset":"d","version":3,"createdAt":"2026-11-20T00:00:00Z",
                 "configFingerprints":["f"],"schemas":{"text":"message shardline_text_v1 {}"},
                 "shards":[{"path":"shards/text/part-a.parquet","modality":"text","rows":5,"bytes":100,
                            "sha256":"ab","sources":[]}],
                 "sources":[]}""";
        DatasetManifest m = ManifestCodec.manifestFromJson(v1.getBytes(StandardCharsets.UTF_8));
        assertThat(m.shards()).singleElement().satisfies(s -> assertThat(s.table()).isEqualTo(ShardTable.TEXT));
        assertThat(m.rows(Modality.TEXT)).isEqualTo(5);

        ShardLineage lineage = ManifestCodec.lineageFromJson("{\"formatVersion\":1,\"modality\":\"sensor\",\"schemaName\":"
                + "\"shardline_sensor_v1\",\"configFingerprint\":\"f\",\"rows\":2,\"sources\":[],\"writer\":\"subtask-0\"}");
        assertThat(lineage.table()).isEqualTo(ShardTable.SENSOR);
    }

    @Test
    void writesTablesAndReadsThemBack() {
        ShardEntry filtered = new ShardEntry("shards/filtered/part-b.parquet", ShardTable.FILTERED, 2, 50, "cd", List.of(), null);
        DatasetManifest m = DatasetManifest.of("d", 1, "2026-11-26T00:00:00Z", List.of(filtered), List.of("f"));
        String json = new String(ManifestCodec.toJson(m), StandardCharsets.UTF_8);
        assertThat(json).contains("\"table\" : \"filtered\"").doesNotContain("\"modality\" :");
        assertThat(ManifestCodec.manifestFromJson(ManifestCodec.toJson(m))).isEqualTo(m);
        assertThat(m.schemas()).containsKey("filtered");
        assertThat(m.schemas().get("filtered")).contains("shardline_filtered_v" + ShardSchemas.REVISION, "reason", "payload");
    }
}
