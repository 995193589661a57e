package io.relay.transport;

/** A query parameter out of its rule (given twice, not an integer, out of range); answered with 400. */
public class InvalidParameterException extends IllegalArgumentException {

    public InvalidParameterException(String message) {
        super(message);
    }
}
