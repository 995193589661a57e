package io.relay.channel;

/** A cursor that is not one Relay can read (malformed, oversized, altered); answered with 400. */
public class InvalidCursorException extends IllegalArgumentException {

    public InvalidCursorException(String message) {
        super("invalid cursor: " + message);
    }
}
