package io.relay.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/** Subscriber tokens for the dev profile (the start-up banner, the demo page): HS256, grant team:*. */
public final class DevTokens {

    private DevTokens() {
    }

    public static String sign(String user, String secret, Duration lifetime) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(user);
        claims.setStringListClaim("channels", "team:*");
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plus(lifetime).getEpochSecond()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
