package io.relay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/** Signs subscriber tokens for tests, one property changed at a time. */
public final class TestTokens {

    /** The test profile's relay.auth.hmac-secret. */
    public static final String SECRET = "test-hmac-secret-0123456789-abcdefghijklmnop";
    public static final String PUBLISHER_KEY = "test-publisher-key";

    private TestTokens() {
    }

    public static String valid(String sub, String... channels) {
        return sign(claims(sub, channels), SECRET);
    }

    public static String expiringIn(Duration lifetime, String sub, String... channels) {
        return sign(claims(sub, channels).expiresAt(Instant.now().plus(lifetime)), SECRET);
    }

    public static String expired(String sub) {
        return sign(claims(sub).issuedAt(Instant.now().minus(Duration.ofHours(2)))
                .expiresAt(Instant.now().minus(Duration.ofHours(1))), SECRET);
    }

    public static String signedWith(String secret, String sub) {
        return sign(claims(sub), secret);
    }

    /** A token claiming {@code alg:none}, with no signature. */
    public static String unsigned(String sub) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"exp\":" + (Instant.now().getEpochSecond() + 600)
                + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    public static JwtClaimsBuilder claims(String sub, String... channels) {
        JwtClaimsBuilder claims = Jwt.claims().subject(sub).issuedAt(Instant.now())
                .expiresAt(Instant.now().plus(Duration.ofHours(1)));
        if (channels.length > 0) {
            claims.claim("channels", List.of(channels));
        }
        return claims;
    }

    public static String sign(JwtClaimsBuilder claims, String secret) {
        return claims.jws().algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.HS256).signWithSecret(secret);
    }
}
