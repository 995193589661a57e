package io.relay.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens this process hands to its own clients (the start-up warm-up), for a relay that can
 * only verify tokens (a public key), not sign them. Each is 256 random bits that never leave the
 * process, kept by SHA-256 like {@link VerifiedTokens}, and all are revoked together when those
 * clients are done.
 */
final class InProcessTokens {

    private static final int TOKEN_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Subscriber> issued = new ConcurrentHashMap<>();

    String issue(Subscriber subscriber) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        issued.put(VerifiedTokens.digest(token), subscriber);
        return token;
    }

    /** The subscriber of an issued token not yet revoked, or null; no hashing while none is issued. */
    Subscriber get(String token) {
        return issued.isEmpty() ? null : issued.get(VerifiedTokens.digest(token));
    }

    void revokeAll() {
        issued.clear();
    }
}
