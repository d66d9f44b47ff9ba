package io.shardline.ingest;

import io.shardline.config.Settings;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a job is submitted: one request to Kafka with the job's client settings, so that a refused login or
 * certificate is an error at once that names the setting to fix, not a source task failing and restarting on
 * the cluster. Only a refusal stops the submission: a broker this machine cannot reach (a cluster inside
 * another network), or a secret given as a reference that resolves only on the cluster's machines, is logged
 * and left to the job.
 */
public final class KafkaPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    private KafkaPreflight() {}

    /** @throws IllegalArgumentException when Kafka refuses the login or the TLS handshake */
    public static void check(Settings conf, long timeoutMs) {
        String bootstrap = IngestOptions.requireBootstrapServers(conf);
        Properties p = IngestOptions.clientProperties(conf);
        p.put("default.api.timeout.ms", Long.toString(timeoutMs));
        p.put("request.timeout.ms", Long.toString(timeoutMs));
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs)).clusterId().get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SaslAuthenticationException) {
                throw new IllegalArgumentException("Kafka at " + bootstrap + " refused the login: " + cause.getMessage() + " Check "
                        + IngestOptions.KAFKA_PROPERTIES_PREFIX + "sasl.jaas.config (user and password, or the reference that gives"
                        + " them) and " + IngestOptions.KAFKA_PROPERTIES_PREFIX + "sasl.mechanism", cause);
            }
            if (cause instanceof SslAuthenticationException) {
                throw new IllegalArgumentException("the TLS handshake with Kafka at " + bootstrap + " failed: " + cause.getMessage()
                        + " Check " + IngestOptions.KAFKA_PROPERTIES_PREFIX + "ssl.truststore.location (the brokers' CA) and, for"
                        + " mutual TLS, " + IngestOptions.KAFKA_PROPERTIES_PREFIX + "ssl.keystore.location", cause);
            }
            LOG.warn("Kafka at {} did not answer a first request from here ({}); submitting anyway, the job will connect from the"
                    + " cluster", bootstrap, cause.toString());
        } catch (TimeoutException e) {
            LOG.warn("Kafka at {} did not answer within {} ms from here; submitting anyway, the job will connect from the cluster",
                    bootstrap, timeoutMs);
        } catch (ConfigException e) {
            // A ${provider:...} reference that resolves on the cluster's machines only, or a setting Kafka rejects.
            LOG.info("Kafka client settings not usable from here ({}); the job resolves them on the cluster", e.getMessage());
        } catch (KafkaException e) {
            LOG.info("Kafka client not created here ({}); the job connects from the cluster", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Kafka", e);
        }
    }
}
