package io.shardline.pipeline;

import io.shardline.config.ConfigLoader;
import io.shardline.config.Option;
import io.shardline.config.OptionsTable;
import io.shardline.format.S3Options;
import io.shardline.ingest.IngestOptions;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every shardline option of the job, from each module's options class: the source of the README's options
 * table and of the check that configuration files name only options that exist.
 */
public final class OptionsCatalog {

    private OptionsCatalog() {}

    /** Keys under these prefixes are passed through to a client and not checked. */
    public static final List<String> PASS_THROUGH_PREFIXES = List.of(IngestOptions.KAFKA_PROPERTIES_PREFIX);

    public static List<Option<?>> jobOptions() {
        List<Option<?>> all = new ArrayList<>();
        all.addAll(IngestOptions.all());
        all.addAll(PreprocessOptions.all());
        all.addAll(ShardWriterOptions.all());
        all.addAll(S3Options.all());
        all.addAll(JobOptions.all());
        return Collections.unmodifiableList(all);
    }

    /** Reads the job's configuration: a file, then {@code SHARDLINE_*} variables, then {@code --set} flags. */
    public static ConfigLoader loader() {
        return new ConfigLoader("job", jobOptions(), PASS_THROUGH_PREFIXES);
    }

    /**
     * The README's options table, in Markdown: key, default, environment variable and description of every
     * job option. {@code ReadmeOptionsTest} checks that the README holds exactly this.
     */
    public static String markdownTable() {
        List<Option<?>> ingest = IngestOptions.all();
        return OptionsTable.markdown(jobOptions(), ingest.get(ingest.size() - 1).key(), IngestOptions.KAFKA_PROPERTIES_PREFIX + "<property>",
                KAFKA_PROPERTIES);
    }

    /** What the README's table says of the Kafka client properties passed through. */
    static final String KAFKA_PROPERTIES = "Any Kafka client property, for the job's source and dead-letter sink, produce and"
            + " dead-letters: security, timeouts, client.rack. A secret among them must be a reference to one of Kafka's"
            + " config providers, resolved where the clients run (in clear it stops the job, naming the key). SASL_SSL with"
            + " SCRAM: security.protocol=SASL_SSL, sasl.mechanism=SCRAM-SHA-512, ssl.truststore.location=/etc/kafka/ca.p12,"
            + " config.providers=file, config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider,"
            + " sasl.jaas.config=${file:/etc/kafka/secrets.properties:jaas} (the file holding"
            + " jaas=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";) and"
            + " ssl.truststore.password=${file:/etc/kafka/secrets.properties:truststore}. Mutual TLS: security.protocol=SSL,"
            + " ssl.truststore.location, ssl.keystore.location=/etc/kafka/client.p12, ssl.keystore.password and ssl.key.password"
            + " as ${file:...} references. Every key prefixed with shardline.ingest.kafka.";
}
