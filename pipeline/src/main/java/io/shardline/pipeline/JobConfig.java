package io.shardline.pipeline;

import io.shardline.config.Option;
import io.shardline.config.Secrets;
import io.shardline.config.Settings;
import io.shardline.format.S3Options;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;

/**
 * A job's configuration as Flink takes it: Flink's own options ({@code parallelism.default}, checkpointing,
 * restarts) with their typed API, and shardline's {@link Option}s beside them. The pipeline reads the
 * shardline options through {@link #settings()}.
 */
public final class JobConfig extends Configuration {

    private static final long serialVersionUID = 1L;

    public JobConfig() {}

    /** A copy of any Flink configuration. */
    public JobConfig(Configuration other) {
        super(other);
    }

    /** Flink configuration holding every key of these settings. */
    public static JobConfig of(Settings settings) {
        JobConfig c = new JobConfig();
        settings.toMap().forEach(c::setString);
        return c;
    }

    public <T> JobConfig set(Option<T> option, T value) {
        setString(option.key(), option.format(value));
        return this;
    }

    /** Whether a value was given for the option (not its default). */
    public boolean contains(Option<?> option) {
        return settings().isSet(option);
    }

    public <T> T get(Option<T> option) {
        return settings().get(option);
    }

    public <T> Optional<T> getOptional(Option<T> option) {
        return settings().getOptional(option);
    }

    /**
     * A copy without the keys that name secrets ({@link Secrets}): the configuration to send with a job to a
     * cluster, which keeps it in the job graph, ships it to every TaskManager and shows it over REST. The job needs
     * none of them there: on S3 it uses the cluster's own credentials, and Kafka secrets travel as references
     * inside its Kafka clients' properties ({@link io.shardline.ingest.IngestOptions#jobKafkaProperties}).
     */
    public JobConfig withoutSecrets() {
        JobConfig c = new JobConfig();
        Secrets.without(toMap()).forEach(c::setString);
        return c;
    }

    /** Every key, read through shardline's options. */
    public Settings settings() {
        return settings(this);
    }

    public static Settings settings(Configuration conf) {
        return Settings.of(conf.toMap());
    }

    /**
     * The configuration of Flink's S3 filesystem ({@code s3.*}) for the store that these settings' {@code
     * shardline.s3.*} keys name; give it to the cluster before jobs start.
     */
    public static Configuration s3FileSystem(Settings settings) {
        return Configuration.fromMap(S3Options.flinkFileSystemSettings(settings));
    }
}
