package io.relay.metrics;

/** How a subscriber is connected; the {@code transport} tag of Relay's metrics. */
public enum Transport {
    WEBSOCKET("websocket"),
    SSE("sse"),
    LONG_POLL("long_poll"),
    POLL("poll");

    private final String tag;

    Transport(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
