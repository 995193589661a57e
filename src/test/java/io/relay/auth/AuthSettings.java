package io.relay.auth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.relay.RelayConfig;

/** {@code relay.auth.*} for unit tests of the verifier, one setting changed at a time. */
record AuthSettings(Optional<String> hmacSecret, Optional<String> publicKeyLocation, Optional<String> issuer,
        Optional<String> audience) implements RelayConfig.Auth {

    static AuthSettings hmac(String secret) {
        return new AuthSettings(Optional.of(secret), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static AuthSettings publicKey(String location) {
        return new AuthSettings(Optional.empty(), Optional.of(location), Optional.empty(), Optional.empty());
    }

    AuthSettings withIssuer(String issuer) {
        return new AuthSettings(hmacSecret, publicKeyLocation, Optional.of(issuer), audience);
    }

    AuthSettings withAudience(String audience) {
        return new AuthSettings(hmacSecret, publicKeyLocation, issuer, Optional.of(audience));
    }

    @Override
    public String cookieName() {
        return "relay_token";
    }

    @Override
    public boolean queryToken() {
        return false;
    }

    @Override
    public Optional<List<String>> allowedOrigins() {
        return Optional.empty();
    }

    @Override
    public Duration clockSkew() {
        return Duration.ofSeconds(30);
    }

    @Override
    public int verifiedTokenCache() {
        return 100;
    }
}
