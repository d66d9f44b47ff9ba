package io.shardline.feeder;

import io.shardline.format.ConfigFile;
import io.shardline.format.S3Access;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The feeder's configuration: {@link FeederOptions} read from, in increasing precedence, a config file,
 * {@code SHARDLINE_*} environment variables and {@code key=value} flags. A {@code shardline.*} key in the file
 * or the flags that names no feeder option is an error, so a typo never goes unnoticed; other keys (a
 * shared file's job options) are ignored.
 */
public final class FeederConfig {

    private final Map<String, String> values;

    private FeederConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Only the given values (tests, embedding). */
    public static FeederConfig of(Map<String, String> values) {
        return load(null, Map.of(), values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), Set.of());
    }

    /**
     * @param file a config file, or null
     * @param env the environment
     * @param sets {@code key=value} flags
     * @param otherKnownKeys keys of other components that may appear in a shared file (ignored here)
     */
    public static FeederConfig load(Path file, Map<String, String> env, List<String> sets, Set<String> otherKnownKeys) {
        Set<String> keys = FeederOptions.all().stream().map(Option::key).collect(Collectors.toSet());
        Map<String, String> v = new LinkedHashMap<>();
        if (file != null) {
            ConfigFile.read(file).forEach((k, value) -> {
                if (keys.contains(k)) {
                    v.put(k, value);
                } else if (k.startsWith("shardline.feeder.") || k.startsWith("shardline.") && !otherKnownKeys.contains(k)
                        && !k.startsWith("shardline.ingest.kafka.")) {
                    throw unknown("config file " + file, k, keys);
                }
            });
        }
        for (Option<?> o : FeederOptions.all()) {
            String value = env.get(o.environmentVariable());
            if (value != null) {
                v.put(o.key(), value);
            }
        }
        for (String s : sets) {
            Map.Entry<String, String> flag = ConfigFile.flag(s);
            if (!keys.contains(flag.getKey())) {
                throw unknown("--set", flag.getKey(), keys);
            }
            v.put(flag.getKey(), flag.getValue());
        }
        FeederConfig c = new FeederConfig(v);
        FeederOptions.all().forEach(c::getOptional); // every value parses, or the error names its option now
        return c;
    }

    private static IllegalArgumentException unknown(String where, String key, Set<String> keys) {
        String hint = keys.stream().filter(k -> editDistance(k, key) <= 3).min(java.util.Comparator.comparingInt(k -> editDistance(k, key)))
                .map(k -> " (did you mean '" + k + "'?)").orElse("");
        return new IllegalArgumentException(where + ": unknown feeder option '" + key + "'" + hint);
    }

    /** Levenshtein distance: how many single-character edits turn one key into the other. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    public <T> T get(Option<T> option) {
        return getOptional(option).orElseThrow(() -> new IllegalArgumentException("option '" + option.key()
                + "' is not set: " + option.description()));
    }

    public <T> Optional<T> getOptional(Option<T> option) {
        String text = values.get(option.key());
        if (text == null || text.isBlank()) {
            return Optional.ofNullable(option.defaultValue());
        }
        return Optional.of(option.parse(text));
    }

    /** A copy with one more value. */
    public FeederConfig with(Option<?> option, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(option.key(), value);
        return new FeederConfig(v);
    }

    /** The datasets served, by name, from {@link FeederOptions#DATASETS}. */
    public Map<String, URI> datasets() {
        Map<String, URI> out = new LinkedHashMap<>();
        for (String pair : get(FeederOptions.DATASETS).split(",")) {
            int eq = pair.indexOf('=');
            if (eq < 1 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("'" + FeederOptions.DATASETS.key() + "' takes name=root-URI pairs, got '" + pair + "'");
            }
            out.put(pair.substring(0, eq).strip(), URI.create(pair.substring(eq + 1).strip()));
        }
        return out;
    }

    public S3Access s3() {
        return new S3Access(getOptional(FeederOptions.S3_ENDPOINT), get(FeederOptions.S3_REGION), get(FeederOptions.S3_PATH_STYLE),
                getOptional(FeederOptions.S3_ACCESS_KEY), getOptional(FeederOptions.S3_SECRET_KEY));
    }
}
