package io.relay.auth;

/** An authenticated subscriber asked for something it may not have (a channel, a foreign origin): 403. */
public class AccessDeniedException extends RuntimeException {

    public AccessDeniedException(String message) {
        super(message, null, false, false);
    }
}
