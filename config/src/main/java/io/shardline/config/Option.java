package io.shardline.config;

import io.shardline.config.internal.Units;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One typed option: its key, how its text is read and written, its default and its description. Every module
 * declares its options once, as constants of one {@code *Options} class, and reads them from {@link Settings}.
 * Values arrive as text (a file, the environment, flags: {@link ConfigLoader}) and are parsed here, so a
 * mistake is reported with the option's key.
 *
 * <p>Text forms: sizes {@code 512mb}, {@code 64 kb}, {@code 1g}, {@code 1024} (bytes); durations {@code 500ms},
 * {@code 30 s}, {@code 10min}, {@code 1h}, {@code 2d}; booleans {@code true}/{@code false} (also yes/no, on/off);
 * enumerations by name, any case; lists separated by {@code ;}. These include the forms Flink writes, so a
 * value set through Flink's configuration reads back the same.
 *
 * @param <T> the value's type
 */
public final class Option<T> {

    private final String key;
    private final Type<T> type;
    private final T defaultValue;
    private final String description;
    private final Predicate<? super T> check;
    private final String requirement;

    private Option(String key, Type<T> type, T defaultValue, String description, Predicate<? super T> check, String requirement) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description, "description");
        this.check = check;
        this.requirement = requirement;
        if (!key.startsWith("shardline.")) {
            throw new IllegalArgumentException("option keys start with 'shardline.': " + key);
        }
    }

    public static Option<String> string(String key, String defaultValue, String description) {
        return new Option<>(key, Type.STRING, defaultValue, description, null, null);
    }

    public static Option<Integer> integer(String key, Integer defaultValue, String description) {
        return new Option<>(key, Type.INTEGER, defaultValue, description, null, null);
    }

    public static Option<Long> longInteger(String key, Long defaultValue, String description) {
        return new Option<>(key, Type.LONG, defaultValue, description, null, null);
    }

    public static Option<Double> decimal(String key, Double defaultValue, String description) {
        return new Option<>(key, Type.DOUBLE, defaultValue, description, null, null);
    }

    public static Option<Boolean> bool(String key, boolean defaultValue, String description) {
        return new Option<>(key, Type.BOOLEAN, defaultValue, description, null, null);
    }

    /** A size in bytes. */
    public static Option<Long> bytes(String key, Long defaultValue, String description) {
        return new Option<>(key, Type.BYTES, defaultValue, description, null, null);
    }

    public static Option<Duration> duration(String key, Duration defaultValue, String description) {
        return new Option<>(key, Type.DURATION, defaultValue, description, null, null);
    }

    public static <E extends Enum<E>> Option<E> enumeration(String key, Class<E> values, E defaultValue, String description) {
        return new Option<>(key, Type.enumeration(values), defaultValue, description, null, null);
    }

    /** A list of strings, written separated by {@code ;}; an empty text is the empty list. */
    public static Option<List<String>> list(String key, List<String> defaultValue, String description) {
        return new Option<>(key, Type.LIST, defaultValue == null ? null : List.copyOf(defaultValue), description, null, null);
    }

    /**
     * This option with a rule every value must follow, checked when the value is read (so at start, by {@link
     * ConfigLoader}); a value that breaks it is an error naming the key and the rule.
     *
     * @param rule the rule in words, as the error says it: "between 1 and 22", "at least 1"
     */
    public Option<T> requiring(Predicate<? super T> ok, String rule) {
        if (defaultValue != null && !ok.test(defaultValue)) {
            throw new IllegalArgumentException(key + ": the default breaks its own rule (" + rule + ")");
        }
        return new Option<>(key, type, defaultValue, description, ok, rule);
    }

    /** Shorthand of {@link #requiring} for whole numbers from {@code min} to {@code max}. */
    public Option<T> between(long min, long max) {
        return requiring(v -> ((Number) v).longValue() >= min && ((Number) v).longValue() <= max,
                "between " + min + " and " + max);
    }

    /** Shorthand of {@link #requiring} for whole numbers of at least {@code min}. */
    public Option<T> atLeast(long min) {
        return requiring(v -> ((Number) v).longValue() >= min, "at least " + min);
    }

    public String key() {
        return key;
    }

    /** The default, or null when the option has none. */
    public T defaultValue() {
        return defaultValue;
    }

    public boolean hasDefault() {
        return defaultValue != null;
    }

    public String description() {
        return description;
    }

    /** The environment variable that sets this option: {@code shardline.feeder.port} -> {@code SHARDLINE_FEEDER_PORT}. */
    public String environmentVariable() {
        return environmentVariable(key);
    }

    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default as written in a configuration file, or {@code (none)}. */
    public String defaultText() {
        return defaultValue == null ? "(none)" : format(defaultValue);
    }

    /** Reads a value; the error names the key, the text and what was expected. */
    public T parse(String text) {
        T value;
        try {
            value = type.parse.apply(text.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("option '" + key + "': cannot read '" + text + "': " + e.getMessage(), e);
        }
        check(value);
        return value;
    }

    /** Whether a blank text is a value of this option (the empty list) rather than "not set". */
    boolean readsBlank() {
        return type == Type.LIST;
    }

    /** The text form of a value, as {@link #parse} reads it back. */
    public String format(T value) {
        check(value);
        return type.format.apply(value);
    }

    private void check(T value) {
        if (check != null && !check.test(value)) {
            throw new IllegalArgumentException("option '" + key + "' must be " + requirement + ", was " + type.format.apply(value));
        }
    }

    @Override
    public String toString() {
        return key;
    }

    /** How an option's text is read and written. */
    private record Type<T>(Function<String, T> parse, Function<T, String> format) {

        static final Type<String> STRING = new Type<>(s -> s, s -> s);
        static final Type<Integer> INTEGER = new Type<>(Integer::parseInt, String::valueOf);
        static final Type<Long> LONG = new Type<>(Long::parseLong, String::valueOf);
        static final Type<Double> DOUBLE = new Type<>(Double::parseDouble, String::valueOf);
        static final Type<Boolean> BOOLEAN = new Type<>(Type::parseBoolean, String::valueOf);
        static final Type<Long> BYTES = new Type<>(Units::parseBytes, Units::formatBytes);
        static final Type<Duration> DURATION = new Type<>(Units::parseDuration, Units::formatDuration);
        static final Type<List<String>> LIST = new Type<>(
                s -> s.isEmpty() ? List.of() : Arrays.stream(s.split(";")).map(String::strip).toList(),
                l -> String.join(";", l));

        static <E extends Enum<E>> Type<E> enumeration(Class<E> values) {
            return new Type<>(s -> {
                for (E e : values.getEnumConstants()) {
                    if (e.name().equalsIgnoreCase(s)) {
                        return e;
                    }
                }
                throw new IllegalArgumentException("expected one of " + Arrays.stream(values.getEnumConstants())
                        .map(Enum::name).collect(Collectors.joining(", ")));
            }, Enum::name);
        }

        static boolean parseBoolean(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new IllegalArgumentException("expected true or false");
            };
        }
    }
}
