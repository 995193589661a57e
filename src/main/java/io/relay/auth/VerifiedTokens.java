package io.relay.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens already verified, kept until they expire: a long-polling client presents the same token on
 * every request, and a reconnect storm presents each token again, while verifying one (signature,
 * JSON, claims) costs more than the rest of a poll. Only tokens that verified are kept. An entry is
 * keyed by the token's SHA-256, so a lookup compares digests, never a guessed token's prefix with a
 * real one. A token without {@code exp} is kept for {@link #NO_EXPIRY_LIFETIME}. Bounded: when full,
 * the map is emptied rather than scanned (tokens are re-verified on their next use).
 */
final class VerifiedTokens {

    static final Duration NO_EXPIRY_LIFETIME = Duration.ofMinutes(5);

    private record Entry(Subscriber subscriber, Instant until) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int capacity;

    VerifiedTokens(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** The subscriber of a token verified before and not expired since, or null. */
    Subscriber get(String token) {
        if (capacity == 0) {
            return null;
        }
        String key = digest(token);
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.until())) {
            entries.remove(key, entry);
            return null;
        }
        return entry.subscriber();
    }

    void put(String token, Subscriber subscriber) {
        if (capacity == 0) {
            return;
        }
        if (entries.size() >= capacity) {
            entries.clear();
        }
        Instant until = subscriber.expiresAt() != null ? subscriber.expiresAt() : clock.instant().plus(NO_EXPIRY_LIFETIME);
        entries.put(digest(token), new Entry(subscriber, until));
    }

    int size() {
        return entries.size();
    }

    static String digest(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
