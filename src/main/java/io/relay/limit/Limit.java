package io.relay.limit;

/** The limits that protect a replica; the {@code limit} tag of {@code relay_limited_total}. */
public enum Limit {
    CONNECTIONS("connections"),
    USER_CONNECTIONS("user_connections"),
    HANDSHAKE_RATE("handshake_rate"),
    PUBLISH_RATE("publish_rate"),
    WS_OP_RATE("ws_op_rate");

    private final String tag;

    Limit(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
