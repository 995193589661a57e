package io.relay.subscribe;

/**
 * Why the server ends a subscriber's connection, with the WebSocket close code and whether the
 * client should reconnect (and resume) or stop. SSE and long-poll end the same way, without a code.
 */
public enum CloseCode {
    SHUTTING_DOWN(1001, "server shutting down", true),
    PEER_SILENT(1001, "no pong received", true),
    HISTORY_RESET(1001, "the engine was interrupted: reconnect and resume", true),
    PROTOCOL_ERROR(1002, "protocol error", false),
    BINARY_FRAME(1003, "binary frames are not accepted", false),
    INVALID_TEXT(1007, "text is not UTF-8", false),
    POLICY_VIOLATION(1008, "policy violation", false),
    FRAME_TOO_BIG(1009, "frame too big", false),
    TOKEN_EXPIRED(4001, "token expired", true),
    SLOW_CONSUMER(4002, "slow consumer: reconnect and resume", true),
    DISCONNECTED(4003, "disconnected by the publisher API", false);

    private final int code;
    private final String reason;
    private final boolean reconnect;

    CloseCode(int code, String reason, boolean reconnect) {
        this.code = code;
        this.reason = reason;
        this.reconnect = reconnect;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** Whether a client should reconnect and resume after this close. */
    public boolean reconnect() {
        return reconnect;
    }
}
