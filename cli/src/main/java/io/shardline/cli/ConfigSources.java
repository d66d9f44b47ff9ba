package io.shardline.cli;

import io.shardline.pipeline.OptionsCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Builds the configuration of a command from, in increasing precedence: a config file, {@code SHARDLINE_*}
 * environment variables, and {@code --set key=value} flags. Flink's own keys ({@code parallelism.default},
 * {@code execution.checkpointing.interval}, ...) may be given in the file and as flags too. A
 * {@code shardline.*} key that names no option is an error, so that a typo never goes unnoticed.
 */
public final class ConfigSources {

    private ConfigSources() {}

    public static Configuration load(Path file, Map<String, String> env, List<String> sets, List<ConfigOption<?>> known) {
        Set<String> keys = known.stream().map(ConfigOption::key).collect(Collectors.toSet());
        Configuration c = new Configuration();
        if (file != null) {
            readFile(file).forEach((k, v) -> put(c, k, v, keys, "config file " + file));
        }
        for (ConfigOption<?> o : known) {
            String value = env.get(OptionsCatalog.environmentVariable(o.key()));
            if (value != null) {
                c.setString(o.key(), value);
            }
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--set takes key=value, got '" + s + "'");
            }
            put(c, s.substring(0, eq).trim(), s.substring(eq + 1).trim(), keys, "--set");
        }
        return c;
    }

    /** A flat file of {@code key: value} (YAML) or {@code key=value} lines; {@code #} starts a comment. */
    static Map<String, String> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            int eq = line.indexOf('=');
            int at = colon > 0 && (eq < 0 || colon < eq) ? colon : eq;
            if (at < 1) {
                throw new IllegalArgumentException(file + " line " + (n + 1) + ": expected 'key: value' or 'key=value'");
            }
            String value = line.substring(at + (at == colon ? 2 : 1)).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(line.substring(0, at).strip(), value);
        }
        return out;
    }

    private static void put(Configuration c, String key, String value, Set<String> known, String where) {
        if (key.startsWith("shardline.") && !known.contains(key)
                && OptionsCatalog.PASS_THROUGH_PREFIXES.stream().noneMatch(key::startsWith)) {
            String hint = known.stream().filter(k -> k.endsWith(key.substring(key.lastIndexOf('.'))))
                    .findFirst().map(k -> " (did you mean '" + k + "'?)").orElse("");
            throw new IllegalArgumentException(where + ": unknown option '" + key + "'" + hint);
        }
        c.setString(key, value);
    }
}
