package io.relay.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.relay.TestTokens;
import io.relay.engine.MutableClock;

/** The cache of verified tokens: a token is verified once per lifetime, and only what verified is kept. */
class VerifiedTokensTest {

    private final MutableClock clock = new MutableClock(Instant.now());

    @Test
    void servesAVerifiedTokenFromTheCacheUntilItsExpiry() {
        TokenVerifier verifier = new TokenVerifier(AuthSettings.hmac(TestTokens.SECRET), clock);
        String token = TestTokens.expiringIn(Duration.ofMinutes(10), "alice", "team:*");
        Subscriber first = verifier.verify(token);
        assertSame(first, verifier.verify(token), "the second use is served from the cache");

        clock.advance(Duration.ofMinutes(11));
        // past its exp for the cache, which verifies it again (jose4j's own clock still accepts it)
        assertNotSame(first, verifier.verify(token));
    }

    @Test
    void neverKeepsARejectedToken() {
        TokenVerifier verifier = new TokenVerifier(AuthSettings.hmac(TestTokens.SECRET), clock);
        String forged = TestTokens.signedWith("another-secret-0123456789-abcdefghijkl", "alice");
        assertThrows(TokenRejectedException.class, () -> verifier.verify(forged));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(forged));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(TestTokens.expired("alice")));
    }

    @Test
    void aTokenWithoutExpiryIsKeptForFiveMinutes() {
        VerifiedTokens tokens = new VerifiedTokens(clock, 10);
        Subscriber alice = new Subscriber("alice", List.of(), null);
        tokens.put("t", alice);
        clock.advance(VerifiedTokens.NO_EXPIRY_LIFETIME.minusSeconds(1));
        assertSame(alice, tokens.get("t"));
        clock.advance(Duration.ofSeconds(1));
        assertNull(tokens.get("t"));
    }

    @Test
    void staysWithinItsCapacity() {
        VerifiedTokens tokens = new VerifiedTokens(clock, 3);
        for (int i = 0; i < 10; i++) {
            tokens.put("token-" + i, new Subscriber("u" + i, List.of(), clock.instant().plusSeconds(60)));
            assertTrue(tokens.size() <= 3);
        }
        assertEquals("u9", tokens.get("token-9").userId());
    }

    @Test
    void capacityZeroKeepsNothing() {
        VerifiedTokens tokens = new VerifiedTokens(clock, 0);
        tokens.put("t", new Subscriber("alice", List.of(), null));
        assertNull(tokens.get("t"));
    }
}
