package io.relay.subscribe;

/** A subscribe the service refused; {@link #code()} is the error code a transport reports. */
public class SubscribeException extends RuntimeException {

    private final String code;

    public SubscribeException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
