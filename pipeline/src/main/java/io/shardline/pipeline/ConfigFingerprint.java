package io.shardline.pipeline;

import io.shardline.ingest.IngestOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * A short, stable fingerprint of the configuration that decides what ends up in a shard: decoding limits,
 * topics, Parquet settings (and, with preprocessing, its rules). Effective values count, defaults included,
 * so two runs with the same effective settings share a fingerprint. Connection settings (servers,
 * credentials, paths, offsets) do not change content and are left out.
 */
public final class ConfigFingerprint {

    private static final List<ConfigOption<?>> CONTENT_OPTIONS = List.of(
            IngestOptions.TEXT_TOPIC, IngestOptions.IMAGE_TOPIC, IngestOptions.SENSOR_TOPIC,
            IngestOptions.TEXT_MAX_RECORD_SIZE, IngestOptions.IMAGE_MAX_RECORD_SIZE, IngestOptions.SENSOR_MAX_RECORD_SIZE,
            IngestOptions.MAX_ID_LENGTH, IngestOptions.JSON_MAX_NESTING_DEPTH, IngestOptions.JSON_MAX_STRING_LENGTH,
            IngestOptions.JSON_MAX_NUMBER_LENGTH, IngestOptions.SENSOR_MAX_CHANNELS,
            ShardWriterOptions.TARGET_SHARD_SIZE, ShardWriterOptions.ROW_GROUP_SIZE, ShardWriterOptions.PAGE_SIZE,
            ShardWriterOptions.COMPRESSION, ShardWriterOptions.ZSTD_LEVEL);

    private ConfigFingerprint() {}

    /** {@code sha256:} and the first 16 hex digits of the SHA-256 of the sorted content options. */
    public static String of(ReadableConfig conf) {
        Map<String, String> values = new TreeMap<>();
        for (ConfigOption<?> o : CONTENT_OPTIONS) {
            values.put(o.key(), String.valueOf(conf.get(o)));
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(values.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
