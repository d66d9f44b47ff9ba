package io.shardline.feeder.internal;

import io.shardline.feeder.FeederOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server TLS context from the same PEM files Flight uses (a certificate chain and a PKCS#8 private key, EC
 * or RSA), for the Arrow IPC data plane, so that one pair of files secures both planes.
 */
public final class PemTls {

    private PemTls() {}

    public static SSLContext serverContext(Path certChain, Path privateKey) {
        try {
            Certificate[] chain;
            try (InputStream in = Files.newInputStream(certChain)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
            }
            if (chain.length == 0) {
                throw new IllegalArgumentException(FeederOptions.TLS_CERT_CHAIN.key() + " (" + certChain + ") holds no certificate");
            }
            PrivateKey key = privateKey(Files.readString(privateKey), privateKey);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("feeder", key, password, chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS files given by " + FeederOptions.TLS_CERT_CHAIN.key() + " and "
                    + FeederOptions.TLS_PRIVATE_KEY.key(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS files given by " + FeederOptions.TLS_CERT_CHAIN.key() + " and "
                    + FeederOptions.TLS_PRIVATE_KEY.key() + " do not make a server identity: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem, Path file) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf("-----END PRIVATE KEY-----");
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(FeederOptions.TLS_PRIVATE_KEY.key() + " (" + file + ") is not a PEM PKCS#8 key"
                    + " ('BEGIN PRIVATE KEY'); convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.p8.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
