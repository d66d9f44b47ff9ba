package io.shardline.feeder.internal;

import io.shardline.feeder.FeederOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/**
 * Bearer-token authentication: every call carries {@code authorization: Bearer <token>} with one of the
 * tokens of the configured file. Tokens are compared in constant time and never logged; the peer identity
 * (metrics label) is the token's position in the file, not the token.
 */
public final class BearerTokens implements CallHeaderAuthenticator {

    private final List<byte[]> tokens;

    private BearerTokens(List<byte[]> tokens) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException(FeederOptions.AUTH_TOKENS_FILE.key() + " names a file without tokens");
        }
        this.tokens = tokens;
    }

    public static BearerTokens fromFile(Path file) {
        try {
            return new BearerTokens(Files.readAllLines(file).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.getBytes(StandardCharsets.UTF_8)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokens file given by " + FeederOptions.AUTH_TOKENS_FILE.key(), e);
        }
    }

    @Override
    public AuthResult authenticate(CallHeaders headers) {
        String value = headers.get(Auth2Constants.AUTHORIZATION_HEADER);
        if (value == null || !value.startsWith(Auth2Constants.BEARER_PREFIX)) {
            throw CallStatus.UNAUTHENTICATED.withDescription("this feeder needs 'authorization: Bearer <token>'").toRuntimeException();
        }
        byte[] given = value.substring(Auth2Constants.BEARER_PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
        int match = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (MessageDigest.isEqual(tokens.get(i), given) && match < 0) {
                match = i;
            }
        }
        if (match < 0) {
            throw CallStatus.UNAUTHENTICATED.withDescription("the bearer token is not accepted").toRuntimeException();
        }
        String identity = "token-" + (match + 1);
        return () -> identity;
    }
}
