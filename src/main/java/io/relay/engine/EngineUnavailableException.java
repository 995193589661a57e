package io.relay.engine;

/** The engine could not take the request; nothing was published. Answered with 503. */
public class EngineUnavailableException extends RuntimeException {

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
