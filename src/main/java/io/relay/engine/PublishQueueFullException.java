package io.relay.engine;

/**
 * An event loop already has as many publishes waiting for the engine as it may hold, so this one was
 * refused before it reached the engine: 503 with {@code Retry-After}, nothing was published.
 */
public class PublishQueueFullException extends EngineUnavailableException {

    public PublishQueueFullException(int bound) {
        super("this replica has " + bound + " publishes waiting for the engine on this event loop", null);
    }

    @Override
    public String detail() {
        return "too many publishes are waiting for the engine, nothing was published: retry later";
    }
}
