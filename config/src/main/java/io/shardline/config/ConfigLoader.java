package io.shardline.config;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a component's configuration from, in increasing precedence: a config file, {@code SHARDLINE_*}
 * environment variables and {@code key=value} flags ({@code --set}). Keys that are not the project's
 * ({@code parallelism.default}, {@code execution.checkpointing.interval}, ...) are kept for Flink. A key in one
 * of the component's namespaces that names none of its options is an error with the nearest key ("did you
 * mean"), and so is a {@code shardline.} key in no namespace at all; the keys of other components'
 * namespaces are kept and left for them to check (see {@link Namespaces}). Every value of the component's
 * options is parsed before the loader returns, so a bad value fails at start, naming its key.
 */
public final class ConfigLoader {

    private final String component;
    private final Map<String, Option<?>> options = new LinkedHashMap<>();
    private final Set<String> ownedNamespaces;
    private final List<String> passThroughPrefixes;

    /**
     * @param component what is configured, for error messages: "job", "feeder"
     * @param options every option the component reads
     * @param passThroughPrefixes keys under these prefixes are handed on unchecked (Kafka client properties)
     */
    public ConfigLoader(String component, Collection<? extends Option<?>> options, Collection<String> passThroughPrefixes) {
        this.component = component;
        for (Option<?> o : options) {
            if (this.options.put(o.key(), o) != null) {
                throw new IllegalArgumentException("option '" + o.key() + "' is declared twice");
            }
        }
        this.ownedNamespaces = options.stream().map(o -> Namespaces.of(o.key())).collect(Collectors.toSet());
        this.passThroughPrefixes = List.copyOf(passThroughPrefixes);
    }

    /**
     * @param file a config file, or null
     * @param env the environment ({@code System.getenv()})
     * @param sets {@code key=value} flags, the last word
     */
    public Settings load(Path file, Map<String, String> env, List<String> sets) {
        return loadFiles(file == null ? List.of() : List.of(file), env, sets);
    }

    /**
     * As {@link #load(Path, Map, List)} with several config files, each overriding the ones before it (the
     * settings of a local stack, then the user's own file).
     */
    public Settings loadFiles(List<Path> files, Map<String, String> env, List<String> sets) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Path file : files) {
            ConfigFile.read(file).forEach((k, value) -> v.put(check(k, "config file " + file), value));
        }
        for (Option<?> o : options.values()) {
            String value = env.get(o.environmentVariable());
            if (value != null) {
                v.put(o.key(), value);
            }
        }
        for (String s : sets) {
            Map.Entry<String, String> flag = ConfigFile.flag(s);
            v.put(check(flag.getKey(), "--set"), flag.getValue());
        }
        return Settings.of(v).validate(options.values());
    }

    /** Only these values, checked as flags would be (tests, embedding). */
    public Settings of(Map<String, String> values) {
        values.keySet().forEach(k -> check(k, "settings"));
        return Settings.of(values).validate(options.values());
    }

    /** The key, if this component may be given it; else the error that says why not. */
    private String check(String key, String where) {
        if (!key.startsWith("shardline.") || options.containsKey(key) || passThroughPrefixes.stream().anyMatch(key::startsWith)) {
            return key;
        }
        String namespace = Namespaces.of(key);
        if (ownedNamespaces.contains(namespace)) {
            throw new IllegalArgumentException(where + ": unknown " + component + " option '" + key + "'"
                    + hint(key, options.keySet().stream()));
        }
        if (Namespaces.ALL.contains(namespace)) {
            return key; // another component's key in a shared file: that component checks it
        }
        throw new IllegalArgumentException(where + ": unknown option '" + key + "': no part of shardline reads keys under '"
                + namespace + "'" + hint(namespace, Namespaces.ALL.stream()));
    }

    private static String hint(String key, Stream<String> candidates) {
        return candidates.filter(k -> editDistance(k, key) <= 3).min(Comparator.comparingInt(k -> editDistance(k, key)))
                .map(k -> " (did you mean '" + k + "'?)").orElse("");
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
}
