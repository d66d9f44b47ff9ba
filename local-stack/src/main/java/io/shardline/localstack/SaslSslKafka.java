package io.shardline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker in this JVM whose only client listener is SASL_SSL: TLS with a certificate made at start
 * (JDK's keytool, for 127.0.0.1, valid two days) and SCRAM-SHA-512 logins, the broker's own included, made
 * when its folder is formatted. Its controller listens on another loopback port, in plain text, as a
 * combined node's does; clients never reach it. For tests of the pipeline against a secured cluster.
 */
public final class SaslSslKafka implements KafkaCluster, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SaslSslKafka.class);
    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final String BROKER_USER = "broker";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path truststore;
    private final String truststorePassword;
    private final String adminUser;
    private final String adminPassword;

    private SaslSslKafka(KafkaRaftServer server, String bootstrapServers, Path truststore, String truststorePassword, String adminUser,
            String adminPassword) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /**
     * Makes the certificate and starts the broker in {@code dir} (empty or absent), with a login {@code user}
     * / {@code password} for clients.
     */
    public static SaslSslKafka start(Path dir, String user, String password) {
        String storePassword = random();
        String brokerPassword = random();
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("truststore.p12");
        Path cert = dir.resolve("broker.pem");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", storePassword, "-keypass", storePassword);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", storePassword,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore", truststore.toString(),
                "-storetype", "PKCS12", "-storepass", storePassword);

        int brokerPort = EmbeddedKafka.freePort();
        int controllerPort = EmbeddedKafka.freePort();
        Path logDir = dir.resolve("kafka");
        Properties p = EmbeddedKafka.singleNode("SASL_SSL", brokerPort, controllerPort, logDir);
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.sasl_ssl." + MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config", jaas(BROKER_USER, brokerPassword));
        p.put("ssl.keystore.location", keystore.toString());
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.password", storePassword);
        p.put("ssl.key.password", storePassword);
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", storePassword);
        KafkaConfig config = KafkaConfig.fromProps(p);
        List<String> scram = new ArrayList<>();
        scram.add(MECHANISM + "=[name=" + BROKER_USER + ",password=" + brokerPassword + "]");
        scram.add(MECHANISM + "=[name=" + user + ",password=" + password + "]");
        EmbeddedKafka.format(config, 1, Uuid.randomUuid().toString(), logDir, scram);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw new IllegalStateException("the SASL_SSL Kafka broker did not start: " + e.getMessage(), e);
        }
        SaslSslKafka kafka = new SaslSslKafka(server, "127.0.0.1:" + brokerPort, truststore, storePassword, user, password);
        EmbeddedKafka.awaitGroupCoordinator(kafka.clientConfig());
        LOG.info("SASL_SSL Kafka broker started at {}", kafka.bootstrapServers);
        return kafka;
    }

    /** Client settings for {@code user}: SASL_SSL, SCRAM-SHA-512, this broker's certificate trusted. */
    public Map<String, Object> clientConfig(String user, String password) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bootstrap.servers", bootstrapServers);
        c.put("security.protocol", "SASL_SSL");
        c.put("sasl.mechanism", MECHANISM);
        c.put("sasl.jaas.config", jaas(user, password));
        c.put("ssl.truststore.location", truststore.toString());
        c.put("ssl.truststore.type", "PKCS12");
        c.put("ssl.truststore.password", truststorePassword);
        return c;
    }

    /** As the login given at start. */
    @Override
    public Map<String, Object> clientConfig() {
        return clientConfig(adminUser, adminPassword);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path truststore() {
        return truststore;
    }

    public String truststorePassword() {
        return truststorePassword;
    }

    /** The JAAS line of a SCRAM login. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("SASL_SSL Kafka broker at {} stopped", bootstrapServers);
    }

    private static String random() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
