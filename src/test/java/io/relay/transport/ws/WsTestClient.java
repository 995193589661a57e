package io.relay.transport.ws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/**
 * A real WebSocket client for tests. Frames go into a queue that the test thread reads with a
 * bounded wait; the close code completes a future. Never asserts inside a callback.
 */
public final class WsTestClient implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WebSocket socket;
    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    private WsTestClient(WebSocket socket) {
        this.socket = socket;
        socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
        socket.closeHandler(v -> closeCode.complete(socket.closeStatusCode() == null ? 1006 : (int) socket.closeStatusCode()));
    }

    public static Builder to(URI base) {
        return new Builder(base);
    }

    /** The next frame, waiting up to 10 s; fails the test when none comes. */
    public JsonObject next() {
        try {
            JsonObject frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + WAIT + (closeCode.isDone() ? " (closed " + closeCode.getNow(0) + ")" : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame of the given type, skipping none: fails when another type comes first. */
    public JsonObject next(String type) {
        JsonObject frame = next();
        if (!type.equals(frame.getString("type"))) {
            throw new AssertionError("expected a " + type + " frame, got " + frame.encode());
        }
        return frame;
    }

    /** The next {@code count} notification frames. */
    public List<JsonObject> notifications(int count) {
        List<JsonObject> received = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            received.add(next("notification"));
        }
        return received;
    }

    /** Whether a frame arrives within {@code wait}; for asserting that nothing more comes. */
    public JsonObject poll(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void send(String text) {
        socket.writeTextMessage(text);
    }

    public void send(JsonObject op) {
        socket.writeTextMessage(op.encode());
    }

    public void sendBinary(byte[] data) {
        socket.writeBinaryMessage(Buffer.buffer(data));
    }

    /** Stops reading from the socket: the server's writes back up. */
    public void stopReading() {
        socket.pause();
    }

    public void resumeReading() {
        socket.resume();
    }

    public String subprotocol() {
        return socket.subProtocol();
    }

    /** The close code the server sent, waiting up to 10 s. */
    public int closeCode() {
        try {
            return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the connection was not closed within " + WAIT, e);
        }
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
    }

    public static final class Builder {
        private final WebSocketConnectOptions options = new WebSocketConnectOptions();
        private final StringBuilder query = new StringBuilder();
        private int maxFrameSize = 65536;
        private boolean sendOrigin = true;

        Builder(URI base) {
            options.setHost(base.getHost()).setPort(base.getPort()).setURI("/ws");
        }

        public Builder token(String jwt) {
            return header("Authorization", "Bearer " + jwt);
        }

        public Builder header(String name, String value) {
            options.addHeader(name, value);
            return this;
        }

        public Builder subprotocols(String... protocols) {
            options.setSubProtocols(List.of(protocols));
            return this;
        }

        public Builder channel(String channel) {
            query.append(query.length() == 0 ? '?' : '&').append("channel=")
                    .append(java.net.URLEncoder.encode(channel, java.nio.charset.StandardCharsets.UTF_8));
            return this;
        }

        /** Sends no Origin header (the Vert.x client otherwise sends one naming the server). */
        public Builder withoutOrigin() {
            this.sendOrigin = false;
            return this;
        }

        public Builder maxFrameSize(int bytes) {
            this.maxFrameSize = bytes;
            return this;
        }

        /** Connects and returns the client; fails the test when the handshake is refused. */
        public WsTestClient connect() {
            try {
                return connectAsync().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError("WebSocket handshake failed", e);
            }
        }

        /** The refused handshake's HTTP status, its WWW-Authenticate and body; fails if the upgrade succeeds. */
        public Refusal refused() {
            try {
                connectAsync().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).close();
                throw new AssertionError("the handshake was accepted");
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof UpgradeRejectedException rejected) {
                    return new Refusal(rejected.getStatus(), rejected.getHeaders().get("WWW-Authenticate"),
                            rejected.getHeaders().get("Content-Type"),
                            rejected.getBody() == null ? null : rejected.getBody().toString());
                }
                throw new AssertionError("unexpected failure", e.getCause());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        private CompletableFuture<WsTestClient> connectAsync() {
            options.setURI("/ws" + query);
            WebSocketClient client = VERTX.createWebSocketClient(new WebSocketClientOptions()
                    .setMaxFrameSize(maxFrameSize).setMaxMessageSize(Math.max(maxFrameSize, 262144))
                    .setSendUnmaskedFrames(false));
            options.setAllowOriginHeader(sendOrigin);
            return client.connect(options).map(WsTestClient::new).toCompletionStage().toCompletableFuture();
        }
    }

    /** What a refused handshake answered. */
    public record Refusal(int status, String wwwAuthenticate, String contentType, String body) {
    }
}
