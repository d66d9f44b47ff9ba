package io.shardline.feeder;

import io.shardline.testkit.ShardFixtures;
import io.shardline.config.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and TLS: without a token, with a wrong one, or in plaintext to a TLS port, nothing is
 * served; with the right token over TLS, the epoch is. Tokens appear in no error and no metric.
 */
class FeederSecurityITCase {

    static final String TOKEN = "s3cr3t-feeder-token-0123456789";

    @TempDir
    Path tmp;

    @Test
    void missingOrWrongTokensAndPlaintextAreRefusedAndTheRightTokenOverTlsIsServed() throws Exception {
        Path root = tmp.resolve("images");
        ShardFixtures.write(root, "images", ShardFixtures.uniform(4, 50), 1_000, 100_000);
        Path tokens = Files.writeString(tmp.resolve("tokens"), "# one token a line\nsomeone-else\n" + TOKEN + "\n");
        Path[] pem = selfSignedCertificate(tmp);
        Settings config = FeederITCase.config(root).set(FeederOptions.AUTH_TOKENS_FILE, tokens)
                .set(FeederOptions.TLS_CERT_CHAIN, pem[0]).set(FeederOptions.TLS_PRIVATE_KEY, pem[1]).build();
        FeedRequest request = FeedRequest.of("images", 0, "image", 1, 0, 1, 20).withRank(0);
        byte[] trusted = Files.readAllBytes(pem[0]);
        try (FeederServer server = FeederServer.start(config); BufferAllocator allocator = new RootAllocator()) {
            assertThat(server.location().getUri().getScheme()).isEqualTo("grpc+tls");
            Location tls = server.location();
            for (Optional<String> bad : List.of(Optional.<String>empty(), Optional.of("wrong-token"))) {
                try (FeederClient client = FeederClient.connect(tls, allocator, bad, Optional.of(trusted))) {
                    assertThatThrownBy(() -> client.plan(request)).isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED))
                            .message().doesNotContain(TOKEN);
                }
            }
            // Plaintext to the TLS port: no call gets through.
            try (FeederClient plaintext = FeederClient.connect(Location.forGrpcInsecure("127.0.0.1", server.port()), allocator,
                    Optional.of(TOKEN), Optional.empty())) {
                assertThatThrownBy(() -> plaintext.plan(request)).isInstanceOf(FlightRuntimeException.class);
            }
            assertThat(server.metrics().streamsStarted.sum()).as("nothing served so far").isZero();

            try (FeederClient client = FeederClient.connect(tls, allocator, Optional.of(TOKEN), Optional.of(trusted))) {
                assertThat(FeederITCase.readRank(client, request, 1_000)).hasSize(10);
                // A ticket taken with the token is refused without it: every call is checked, not just the first.
                var endpoint = client.plan(request).getEndpoints().get(0);
                try (FeederClient anonymous = FeederClient.connect(tls, allocator, Optional.empty(), Optional.of(trusted))) {
                    assertThatThrownBy(() -> {
                        try (FeederClient.RankStream s = anonymous.open(endpoint)) {
                            s.next();
                        }
                    }).isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));
                }
            }
            assertThat(server.metrics().streamsStarted.sum()).isEqualTo(1);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("shardline_feeder_client_samples_total{client=\"token-2\"} 200").doesNotContain(TOKEN);
        }
    }

    /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool, as PEM chain and PKCS#8 key files. */
    static Path[] selfSignedCertificate(Path dir) throws Exception {
        Path store = dir.resolve("feeder.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "feeder", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "test-pass", "-keypass", "test-pass")
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "test-pass".toCharArray());
        }
        Path cert = dir.resolve("feeder.crt");
        Path key = dir.resolve("feeder.key");
        Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate("feeder").getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", ks.getKey("feeder", "test-pass".toCharArray()).getEncoded()));
        return new Path[] {cert, key};
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
