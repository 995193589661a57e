package io.relay.engine;

import java.security.SecureRandom;
import java.util.Base64;

/** New epochs: 8 random base64url characters, which a cursor can carry as they are. */
public final class Epochs {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Epochs() {
    }

    public static String fresh() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
