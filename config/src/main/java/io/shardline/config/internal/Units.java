package io.shardline.config.internal;

import java.time.Duration;
import java.util.Locale;

/** The text forms of sizes and durations. */
public final class Units {

    private Units() {}

    /** {@code 512mb}, {@code 64 kb}, {@code 1g}, {@code 1024} (bytes), and Flink's {@code 1 mebibytes}. */
    public static long parseBytes(String s) {
        Amount a = Amount.of(s, "a size such as 512mb");
        long unit = switch (a.unit()) {
            case "", "b", "bytes" -> 1;
            case "k", "kb", "kibibytes" -> 1L << 10;
            case "m", "mb", "mebibytes" -> 1L << 20;
            case "g", "gb", "gibibytes" -> 1L << 30;
            case "t", "tb", "tebibytes" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown unit '" + a.unit() + "' (b, kb, mb, gb, tb)");
        };
        return Math.multiplyExact(a.number(), unit);
    }

    /** The largest unit that writes the size exactly: {@code 512mb}, {@code 64kb}, {@code 100b}. */
    public static String formatBytes(long b) {
        String[] units = {"b", "kb", "mb", "gb", "tb"};
        int u = 0;
        while (u < units.length - 1 && b != 0 && b % 1024 == 0) {
            b /= 1024;
            u++;
        }
        return b + units[u];
    }

    /** {@code 500ms}, {@code 30 s}, {@code 10min}, {@code 1h}, {@code 2d}; a plain number is seconds. */
    public static Duration parseDuration(String s) {
        Amount a = Amount.of(s, "a duration such as 30s");
        return switch (a.unit()) {
            case "ms", "milli", "millis", "millisecond", "milliseconds" -> Duration.ofMillis(a.number());
            case "", "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(a.number());
            case "m", "min", "minute", "minutes" -> Duration.ofMinutes(a.number());
            case "h", "hour", "hours" -> Duration.ofHours(a.number());
            case "d", "day", "days" -> Duration.ofDays(a.number());
            default -> throw new IllegalArgumentException("unknown unit '" + a.unit() + "' (ms, s, min, h, d)");
        };
    }

    /** The largest unit that writes the duration exactly: {@code 10min}, {@code 30s}, {@code 500ms}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "min", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
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
