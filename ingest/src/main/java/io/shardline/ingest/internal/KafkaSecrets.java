package io.shardline.ingest.internal;

import io.shardline.config.Secrets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The Kafka client properties that hold secrets, and whether a value is the secret itself or a reference that
 * Kafka resolves where the client runs: {@code ${provider:key}} or {@code ${provider:path:key}}, for a provider
 * listed in {@code config.providers} (Kafka's config providers: {@code EnvVarConfigProvider}, {@code
 * FileConfigProvider}, {@code DirectoryConfigProvider}, or one of the user's).
 */
public final class KafkaSecrets {

    private KafkaSecrets() {}

    private static final List<ConfigDef> CLIENT_CONFIGS = List.of(ConsumerConfig.configDef(), ProducerConfig.configDef(),
            AdminClientConfig.configDef());

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}:]+):[^}]*}");

    /**
     * Whether a Kafka client property holds a secret: one that Kafka's consumer, producer or admin client types as
     * a password ({@code sasl.jaas.config}, {@code ssl.keystore.password}, {@code ssl.keystore.key}, ...), or, for a
     * property none of them knows (a config provider's parameters, say), one whose name says so ({@link Secrets}).
     */
    public static boolean isSecret(String property) {
        boolean known = false;
        for (ConfigDef def : CLIENT_CONFIGS) {
            ConfigDef.ConfigKey key = def.configKeys().get(property);
            if (key != null) {
                if (key.type == ConfigDef.Type.PASSWORD) {
                    return true;
                }
                known = true;
            }
        }
        return !known && Secrets.isSecretKey(property);
    }

    /**
     * The secret properties of {@code properties} whose values are not references to a provider that the same
     * properties configure ({@code config.providers}); in the order given.
     */
    public static List<String> inClear(Map<String, String> properties) {
        Set<String> providers = Arrays.stream(properties.getOrDefault("config.providers", "").split(","))
                .map(String::strip).filter(p -> !p.isEmpty()).collect(Collectors.toSet());
        return properties.entrySet().stream()
                .filter(e -> isSecret(e.getKey()) && !refersTo(e.getValue(), providers))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Whether the value holds at least one reference, and every reference it holds names one of {@code providers}. */
    static boolean refersTo(String value, Set<String> providers) {
        Matcher m = REFERENCE.matcher(value == null ? "" : value);
        boolean any = false;
        while (m.find()) {
            if (!providers.contains(m.group(1).strip())) {
                return false;
            }
            any = true;
        }
        return any;
    }
}
