package io.shardline.cli;

import io.shardline.format.ConfigFile;
import io.shardline.pipeline.OptionsCatalog;
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
            ConfigFile.read(file).forEach((k, v) -> put(c, k, v, keys, "config file " + file));
        }
        for (ConfigOption<?> o : known) {
            String value = env.get(OptionsCatalog.environmentVariable(o.key()));
            if (value != null) {
                c.setString(o.key(), value);
            }
        }
        for (String s : sets) {
            Map.Entry<String, String> flag = ConfigFile.flag(s);
            put(c, flag.getKey(), flag.getValue(), keys, "--set");
        }
        return c;
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
