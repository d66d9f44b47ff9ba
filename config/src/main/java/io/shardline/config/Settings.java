package io.shardline.config;

import java.io.Serializable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A configuration: keys and their text values, read through typed {@link Option}s. Immutable and serializable,
 * so an operator can carry it to the task managers. It holds every key it was given, the options of other
 * modules and Flink's own keys too, and parses a value only when it is read.
 */
public final class Settings implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Settings EMPTY = new Settings(Map.of());

    private final LinkedHashMap<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    public static Settings empty() {
        return EMPTY;
    }

    /** These keys and values as given, unchecked; {@link ConfigLoader} is the checked way in. */
    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** The option's value, else its default; an error naming the option when it has neither. */
    public <T> T get(Option<T> option) {
        return getOptional(option).orElseThrow(() -> new IllegalArgumentException("option '" + option.key()
                + "' is not set: " + option.description()));
    }

    /**
     * The option's value, else its default, else empty. A blank value counts as not set, except for a list,
     * where it is the empty list.
     */
    public <T> Optional<T> getOptional(Option<T> option) {
        String text = values.get(option.key());
        if (text == null || text.isBlank() && !option.readsBlank()) {
            return Optional.ofNullable(option.defaultValue());
        }
        return Optional.of(option.parse(text));
    }

    /** Whether a value was given for the option (not its default). */
    public boolean isSet(Option<?> option) {
        String text = values.get(option.key());
        return text != null && (!text.isBlank() || option.readsBlank());
    }

    /** The text of any key, an option of this project or not. */
    public Optional<String> text(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** A copy with this option set. */
    public <T> Settings with(Option<T> option, T value) {
        return withText(option.key(), option.format(value));
    }

    /** A copy with this key set to this text. */
    public Settings withText(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return new Settings(v);
    }


    /** The keys under a prefix, the prefix taken off: {@code shardline.ingest.kafka.} -> Kafka client properties. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Reads every one of these options once, so that a bad value fails now, naming its key. */
    public Settings validate(Collection<? extends Option<?>> options) {
        options.forEach(this::getOptional);
        return this;
    }

    /**
     * A copy without the keys that name secrets ({@link Secrets}): what an operator may carry to a cluster's
     * TaskManagers, which get their credentials from their own configuration and environment.
     */
    public Settings withoutSecrets() {
        return new Settings(Secrets.without(values));
    }

    /** Every key and its text, in the order given. */
    public Map<String, String> toMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** The keys only: values may be secrets. */
    @Override
    public String toString() {
        return "Settings" + values.keySet();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings s && s.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
