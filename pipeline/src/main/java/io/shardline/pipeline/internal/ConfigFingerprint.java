package io.shardline.pipeline.internal;

import io.shardline.config.Option;
import io.shardline.config.Settings;
import io.shardline.ingest.IngestOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A short, stable fingerprint of the configuration that decides what ends up in a shard: decoding limits,
 * topics, Parquet settings (and, with preprocessing, its rules). Effective values count, defaults included,
 * so two runs with the same effective settings share a fingerprint. Connection settings (servers,
 * credentials, paths, offsets) do not change content and are left out.
 *
 * <p>The fingerprint is written into every shard, so its input never changes form: sizes are written as they
 * were when the options were Flink's ({@code 128 mb}, {@code 1000 bytes}); {@code ConfigFingerprintTest} fixes
 * the values.
 */
public final class ConfigFingerprint {

    private static final List<Option<?>> CONTENT_OPTIONS = List.of(
            IngestOptions.TEXT_TOPIC, IngestOptions.IMAGE_TOPIC, IngestOptions.SENSOR_TOPIC,
            IngestOptions.TEXT_MAX_RECORD_SIZE, IngestOptions.IMAGE_MAX_RECORD_SIZE, IngestOptions.SENSOR_MAX_RECORD_SIZE,
            IngestOptions.MAX_ID_LENGTH, IngestOptions.JSON_MAX_NESTING_DEPTH, IngestOptions.JSON_MAX_STRING_LENGTH,
            IngestOptions.JSON_MAX_NUMBER_LENGTH, IngestOptions.SENSOR_MAX_CHANNELS,
            ShardWriterOptions.TARGET_SHARD_SIZE, ShardWriterOptions.ROW_GROUP_SIZE, ShardWriterOptions.PAGE_SIZE,
            ShardWriterOptions.COMPRESSION, ShardWriterOptions.ZSTD_LEVEL);

    private static final Set<Option<?>> SIZES = Set.of(IngestOptions.TEXT_MAX_RECORD_SIZE, IngestOptions.IMAGE_MAX_RECORD_SIZE,
            IngestOptions.SENSOR_MAX_RECORD_SIZE, ShardWriterOptions.TARGET_SHARD_SIZE, ShardWriterOptions.ROW_GROUP_SIZE,
            ShardWriterOptions.PAGE_SIZE);

    private ConfigFingerprint() {}

    /** {@code sha256:} and the first 16 hex digits of the SHA-256 of the sorted content options. */
    public static String of(Settings conf) {
        Map<String, String> values = new TreeMap<>();
        for (Option<?> o : CONTENT_OPTIONS) {
            Object value = conf.get(o);
            values.put(o.key(), SIZES.contains(o) ? sizeText((Long) value) : String.valueOf(value));
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(values.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** A size in the largest unit that writes it exactly, as {@code 128 mb} or {@code 1000 bytes}. */
    public static String sizeText(long bytes) {
        String[] units = {"bytes", "kb", "mb", "gb", "tb"};
        int u = 0;
        while (u < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            u++;
        }
        return bytes + " " + units[u];
    }
}
