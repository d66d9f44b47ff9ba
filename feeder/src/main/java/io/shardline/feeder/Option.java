package io.shardline.feeder;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One typed option of the feeder: its key, type, default and description. The feeder keeps Flink off its
 * classpath, so it has this small equivalent of Flink's {@code ConfigOption}; values come as strings from a
 * file, the environment or flags ({@link FeederConfig}) and are parsed here.
 *
 * @param key the option's name, {@code shardline.feeder.*} (or a shared key such as {@code shardline.s3.*})
 * @param kind how its text is read
 * @param defaultValue the value when none is given; {@code null} when the option has no default
 * @param description what it does, for the help text and the README's options table
 */
public record Option<T>(String key, Kind kind, T defaultValue, String description) {

    /** The types an option can have, each with its text form. */
    public enum Kind { STRING, INTEGER, BOOLEAN, BYTES, DURATION }

    public Option {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
    }

    static Option<String> string(String key, String defaultValue, String description) {
        return new Option<>(key, Kind.STRING, defaultValue, description);
    }

    static Option<Integer> integer(String key, int defaultValue, String description) {
        return new Option<>(key, Kind.INTEGER, defaultValue, description);
    }

    static Option<Boolean> bool(String key, boolean defaultValue, String description) {
        return new Option<>(key, Kind.BOOLEAN, defaultValue, description);
    }

    /** A size in bytes, written {@code 512mb}, {@code 1gb}, {@code 64kb} or a plain number. */
    static Option<Long> bytes(String key, long defaultValue, String description) {
        return new Option<>(key, Kind.BYTES, defaultValue, description);
    }

    static Option<Duration> duration(String key, Duration defaultValue, String description) {
        return new Option<>(key, Kind.DURATION, defaultValue, description);
    }

    /** The environment variable that sets this option: {@code shardline.feeder.port} -> {@code SHARDLINE_FEEDER_PORT}. */
    public String environmentVariable() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default as it is written in a configuration file, or {@code (none)}. */
    public String defaultText() {
        if (defaultValue == null) {
            return "(none)";
        }
        if (defaultValue instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
        if (kind == Kind.BYTES) {
            long b = (Long) defaultValue;
            return b % (1L << 20) == 0 ? (b >> 20) + "mb" : b % 1024 == 0 ? (b >> 10) + "kb" : b + "b";
        }
        return String.valueOf(defaultValue);
    }

    @SuppressWarnings("unchecked")
    T parse(String text) {
        String t = text.strip();
        try {
            return (T) switch (kind) {
                case STRING -> t;
                case INTEGER -> Integer.parseInt(t);
                case BOOLEAN -> parseBoolean(t);
                case BYTES -> parseBytes(t);
                case DURATION -> parseDuration(t);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("option '" + key + "': cannot read '" + text + "': " + e.getMessage(), e);
        }
    }

    static boolean parseBoolean(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** {@code 512mb}, {@code 1g}, {@code 64kb}, {@code 1024} (bytes). */
    static long parseBytes(String s) {
        Amount a = Amount.of(s, "a size such as 512mb");
        long unit = switch (a.unit()) {
            case "", "b" -> 1;
            case "k", "kb" -> 1L << 10;
            case "m", "mb" -> 1L << 20;
            case "g", "gb" -> 1L << 30;
            case "t", "tb" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown unit '" + a.unit() + "' (b, kb, mb, gb, tb)");
        };
        return Math.multiplyExact(a.number(), unit);
    }

    /** {@code 30s}, {@code 500ms}, {@code 2min}, {@code 1h}. */
    static Duration parseDuration(String s) {
        Amount a = Amount.of(s, "a duration such as 30s");
        return switch (a.unit()) {
            case "ms" -> Duration.ofMillis(a.number());
            case "", "s" -> Duration.ofSeconds(a.number());
            case "min", "m" -> Duration.ofMinutes(a.number());
            case "h" -> Duration.ofHours(a.number());
            default -> throw new IllegalArgumentException("unknown unit '" + a.unit() + "' (ms, s, min, h)");
        };
    }

    /** A whole number and the unit written after it, lower case, spaces ignored. */
    private record Amount(long number, String unit) {
        static Amount of(String text, String expected) {
            String t = text.toLowerCase(Locale.ROOT).replace(" ", "");
            int i = 0;
            while (i < t.length() && Character.isDigit(t.charAt(i))) {
                i++;
            }
            if (i == 0) {
                throw new IllegalArgumentException("expected " + expected);
            }
            return new Amount(Long.parseLong(t.substring(0, i)), t.substring(i));
        }
    }
}
