package io.shardline.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The configuration file format: one file can configure the job, the feeder and the command line together. */
public final class ConfigFile {

    private ConfigFile() {}

    /** A flat file of {@code key: value} (YAML) or {@code key=value} lines; {@code #} starts a comment. */
    public static Map<String, String> read(Path file) {
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

    /** A {@code key=value} flag ({@code --set}) as its key and value, trimmed. */
    public static Map.Entry<String, String> flag(String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq < 1) {
            // Echoed to help, unless it names a secret: then what follows the key may be the secret itself.
            throw new IllegalArgumentException("--set takes key=value, got " + (Secrets.isSecretKey(keyValue)
                    ? "a flag without '=' that names a secret (not shown)" : "'" + keyValue + "'"));
        }
        return Map.entry(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
    }
}
