package io.shardline.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which keys of a configuration hold secrets, so that what leaves a process (a job graph sent to a cluster, the
 * configuration an operator carries to the TaskManagers) can leave them behind. A key holds a secret when its
 * words say so: one of them is {@code password}, {@code secret} or {@code token}, or two in a row are {@code access
 * key}, {@code jaas config} or {@code api key}. Words are the parts between {@code .},
 * {@code -} and {@code _}, in any case. That covers shardline's own ({@code shardline.s3.access-key}, {@code
 * shardline.s3.secret-key}), Flink's ({@code s3.access-key}, {@code s3.secret-key}, {@code
 * security.ssl.keystore-password}), Hadoop's ({@code fs.s3a.access.key}, {@code fs.s3a.session.token}) and Kafka's
 * ({@code sasl.jaas.config}, {@code ssl.key.password}), and leaves alone keys that only contain such letters, as
 * {@code shardline.preprocess.text.tokenize} does.
 */
public final class Secrets {

    private Secrets() {}

    private static final List<String> SECRET_WORDS = List.of("password", "secret", "token", "apikey");
    private static final List<List<String>> SECRET_PAIRS = List.of(List.of("access", "key"), List.of("jaas", "config"),
            List.of("api", "key"));

    /** Whether this key names a secret (see the class description). */
    public static boolean isSecretKey(String key) {
        List<String> words = List.of(key.toLowerCase(Locale.ROOT).split("[._-]+"));
        for (int i = 0; i < words.size(); i++) {
            if (SECRET_WORDS.contains(words.get(i))) {
                return true;
            }
            if (i + 1 < words.size() && SECRET_PAIRS.contains(words.subList(i, i + 2))) {
                return true;
            }
        }
        return false;
    }

    /** These keys and values without the keys that name secrets, in the same order. */
    public static Map<String, String> without(Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!isSecretKey(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
