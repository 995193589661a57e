package io.relay.engine;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New epochs: 8 random base64url characters (48 bits), which a cursor can carry as they are, and never
 * the one-character epoch of {@code StreamPosition.EMPTY} (a channel with no history). An
 * epoch tells one life of a channel's history from the next; it guards nothing, so a fast
 * non-cryptographic random is enough (the Redis engine draws one per batch of publishes).
 */
public final class Epochs {

    private Epochs() {
    }

    public static String fresh() {
        long bits = ThreadLocalRandom.current().nextLong();
        byte[] bytes = new byte[6];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (bits >>> (8 * i));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
