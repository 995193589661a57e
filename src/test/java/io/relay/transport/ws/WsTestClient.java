package io.relay.transport.ws;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/**
 * A real WebSocket client for tests (the JDK's {@code java.net.http}). Frames go into a queue that
 * the test thread reads with a bounded wait; the close code completes a future. Refused handshakes
 * are made with the Vert.x client, which exposes the refusal's body. Never asserts in a callback.
 */
public final class WsTestClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Vertx VERTX = Vertx.vertx();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private WebSocket socket;

    private WsTestClient() {
    }

    public static Builder to(URI base) {
        return new Builder(base);
    }

    /** The next frame, waiting up to 10 s; fails the test when none comes. */
    public JsonObject next() {
        return new JsonObject(nextText());
    }

    /** The next frame exactly as the server wrote it. */
    public String nextText() {
        try {
            String frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + WAIT + (closeCode.isDone() ? " (closed " + closeCode.getNow(0) + ")" : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame, which must be of the given type. */
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

    /** A frame if one arrives within {@code wait}, else null: for asserting that nothing more comes. */
    public JsonObject poll(Duration wait) throws InterruptedException {
        String frame = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        return frame == null ? null : new JsonObject(frame);
    }

    public void send(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public void send(JsonObject op) {
        send(op.encode());
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public String subprotocol() {
        return socket.getSubprotocol();
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
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        if (socket != null) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(1006);
        }
    }

    public static final class Builder {
        private final URI base;
        private final List<String[]> headers = new ArrayList<>();
        private final List<String> subprotocols = new ArrayList<>();
        private final StringBuilder query = new StringBuilder();
        private boolean sendOrigin = true;

        Builder(URI base) {
            this.base = base;
        }

        public Builder token(String jwt) {
            return header("Authorization", "Bearer " + jwt);
        }

        public Builder header(String name, String value) {
            headers.add(new String[] { name, value });
            return this;
        }

        public Builder subprotocols(String... protocols) {
            subprotocols.addAll(List.of(protocols));
            return this;
        }

        public Builder channel(String channel) {
            return query("channel", channel);
        }

        public Builder query(String name, String value) {
            query.append(query.length() == 0 ? '?' : '&').append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            return this;
        }

        /** For refusals: sends no Origin header (the Vert.x client otherwise sends one naming the server). */
        public Builder withoutOrigin() {
            this.sendOrigin = false;
            return this;
        }

        /** Connects and returns the client; fails the test when the handshake is refused. */
        public WsTestClient connect() {
            WsTestClient client = new WsTestClient();
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
            headers.forEach(h -> builder.header(h[0], h[1]));
            if (!subprotocols.isEmpty()) {
                builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
            }
            URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws" + query);
            try {
                client.socket = builder.buildAsync(uri, client.new Listener()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError("WebSocket handshake failed", e);
            }
            return client;
        }

        /** The refused handshake's status, WWW-Authenticate, content type and body; fails if it upgrades. */
        public Refusal refused() {
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(base.getHost())
                    .setPort(base.getPort()).setURI("/ws" + query).setAllowOriginHeader(sendOrigin);
            headers.forEach(h -> options.addHeader(h[0], h[1]));
            subprotocols.forEach(options::addSubProtocol);
            WebSocketClient client = VERTX.createWebSocketClient();
            try {
                client.connect(options).toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError("the handshake was accepted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UpgradeRejectedException rejected) {
                    return new Refusal(rejected.getStatus(), rejected.getHeaders().get("WWW-Authenticate"),
                            rejected.getHeaders().get("Content-Type"),
                            rejected.getBody() == null ? null : rejected.getBody().toString());
                }
                throw new AssertionError("unexpected failure", e.getCause());
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                client.close();
            }
        }
    }

    /** What a refused handshake answered. */
    public record Refusal(int status, String wwwAuthenticate, String contentType, String body) {
    }
}
