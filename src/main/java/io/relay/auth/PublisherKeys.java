package io.relay.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import jakarta.inject.Singleton;

import io.relay.RelayConfig;

/**
 * The publisher keys. A presented key is compared with every configured key in constant time: both
 * sides are hashed first, so neither the length nor the content of a key leaks through timing, and
 * the loop never stops early. Keys are never logged or echoed.
 */
@Singleton
public class PublisherKeys {

    private final List<byte[]> digests;

    @jakarta.inject.Inject
    public PublisherKeys(RelayConfig config) {
        this(config.publisherKeys().orElse(List.of()));
    }

    public PublisherKeys(List<String> keys) {
        this.digests = usable(keys).stream().map(PublisherKeys::sha256).toList();
    }

    /** The configured keys as a publisher presents them: trimmed, blank entries dropped. */
    public static List<String> configured(RelayConfig config) {
        return usable(config.publisherKeys().orElse(List.of()));
    }

    private static List<String> usable(List<String> keys) {
        return keys.stream().map(String::strip).filter(k -> !k.isEmpty()).toList();
    }

    /**
     * Which configured key {@code authorization} (the header's value, {@code Bearer <key>}) presents:
     * its position in the list, or -1. Every key is compared, in constant time, whatever matches.
     */
    public int match(String authorization) {
        String key = BearerToken.from(authorization);
        if (key == null) {
            return -1;
        }
        byte[] presented = sha256(key);
        int match = -1;
        for (int i = 0; i < digests.size(); i++) {
            if (MessageDigest.isEqual(presented, digests.get(i))) {
                match = i;
            }
        }
        return match;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
