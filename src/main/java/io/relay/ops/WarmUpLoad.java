package io.relay.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.relay.auth.Subscriber;
import io.relay.auth.TokenVerifier;
import io.relay.channel.ChannelPattern;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The warm-up's traffic: real WebSockets and real publishes over loopback to {@link WarmUpServer},
 * through the same routes, checks and sockets as any client's, so that the JIT compiles what clients
 * will run. The
 * clients are Vert.x's own, on the replica's event loops: they share most of their code with the
 * server, so compiling them costs little more, and they are cheap per message. The warm-up's thread
 * only paces them and waits.
 */
final class WarmUpLoad implements AutoCloseable {

    /** The broadcast channel every warm-up connection reads, in the warm-up's private stack only. */
    static final String BROADCAST = "relay.warm-up";
    /** Warm-up subscriber i is user {@code relay-warm-up-i}; its per-user channel is {@code user:relay-warm-up-i}. */
    static final String USER_PREFIX = "relay-warm-up-";
    /** One broadcast per this many per-user publishes. */
    static final int BROADCAST_EVERY = 20;
    /**
     * Per-user publishes go to the first this many connections' channels: channels keep their last
     * notifications (relay.history.size each) until the warm-up ends, so fewer channels hold less
     * heap meanwhile, and the publish path is the same for any channel.
     */
    static final int PER_USER_CHANNELS = 10;
    /** Publishes in flight, as a busy publisher has; more only queues on the one replica. */
    private static final int IN_FLIGHT = 16;
    private static final int HANDSHAKES_IN_FLIGHT = 64;
    /** A publish answered nothing for this long counts as failed, so a lost answer cannot hold the warm-up to its deadline. */
    private static final long REQUEST_TIMEOUT_MILLIS = 5_000;
    /** Failed publishes (answers lost or refused) after which the warm-up gives up. */
    private static final int MAX_FAILURES = 100;
    private static final String PAD = "x".repeat(64);

    private final HttpClient http;
    private final WebSocketClient webSockets;
    private final String publisherKey;
    private final TokenVerifier verifier;
    private final Instant deadline;
    private final BooleanSupplier stopped;
    private final Queue<WebSocket> sockets = new ConcurrentLinkedQueue<>();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger broadcastsAccepted = new AtomicInteger();

    WarmUpLoad(Vertx vertx, String host, int port, int connections, String publisherKey, TokenVerifier verifier, Instant deadline,
            BooleanSupplier stopped) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
                .setMaxPoolSize(IN_FLIGHT).setKeepAlive(true));
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setDefaultHost(host).setDefaultPort(port)
                .setMaxConnections(Math.max(1, connections)));
        this.publisherKey = publisherKey;
        this.verifier = verifier;
        this.deadline = deadline;
        this.stopped = stopped;
    }

    /** Opens up to {@code count} WebSockets, each as its own user, on its personal channel and the broadcast. */
    void connect(int count) throws InterruptedException {
        Instant expires = deadline.plus(Duration.ofMinutes(1));
        Semaphore slots = new Semaphore(HANDSHAKES_IN_FLIGHT);
        for (int i = 0; i < count && !over(); i++) {
            String token = verifier.issueInProcess(new Subscriber(USER_PREFIX + i, List.of(ChannelPattern.parse(BROADCAST)), expires));
            if (!slots.tryAcquire(remainingMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
            webSockets.connect(new WebSocketConnectOptions().setURI("/ws?channel=" + BROADCAST)
                    .addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)).onComplete(opened -> {
                        if (opened.succeeded()) {
                            opened.result().textMessageHandler(frame -> framesReceived.incrementAndGet());
                            sockets.add(opened.result());
                        }
                        slots.release();
                    });
        }
        slots.tryAcquire(HANDSHAKES_IN_FLIGHT, remainingMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code count} per-user publishes over the first connections' channels, with a broadcast every {@link #BROADCAST_EVERY}. */
    void publish(int count) throws InterruptedException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        int users = Math.max(1, Math.min(sockets.size(), PER_USER_CHANNELS));
        for (int n = 0; n < count && !over(); n++) {
            if (n % BROADCAST_EVERY == 0 && !send(BROADCAST, n, slots, broadcastsAccepted)) {
                break;
            }
            if (!send("user:" + USER_PREFIX + (n % users), n, slots, null)) {
                break;
            }
        }
        slots.tryAcquire(IN_FLIGHT, remainingMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean send(String channel, int n, Semaphore slots, AtomicInteger alsoCount) throws InterruptedException {
        if (!slots.tryAcquire(remainingMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        Buffer body = Buffer.buffer(body(channel, n));
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/notifications").setIdleTimeout(REQUEST_TIMEOUT_MILLIS)
                .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + publisherKey)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json"))
                // the body is asked for in the answer's own callback, before its end can pass unseen
                .compose(request -> request.send(body).compose(response -> response.body().map(ignored -> response.statusCode())))
                .onComplete(status -> {
                    if (status.succeeded() && status.result() == 202) {
                        accepted.incrementAndGet();
                        if (alsoCount != null) {
                            alsoCount.incrementAndGet();
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                    slots.release();
                });
        return true;
    }

    /**
     * A publish body of one of the shapes clients send, in turn: the JIT compiles the parser for the
     * branches it has seen taken, and a shape first seen after the warm-up (a long number, an array,
     * an escaped string, no event) would send a compiled method back to the interpreter.
     */
    static String body(String channel, int n) {
        String data = switch (n % 4) {
            case 0 -> "{\"t\":" + System.nanoTime() + ",\"n\":" + n + ",\"pad\":\"" + PAD + "\"}";
            case 1 -> "{\"orderId\":" + n + ",\"status\":\"shipped\",\"items\":[{\"sku\":\"A-" + n + "\",\"qty\":2}],"
                    + "\"total\":12.5,\"gift\":false,\"note\":null}";
            case 2 -> "\"caf\\u00e9 \\\"" + n + "\\\" is ready\"";
            default -> "[" + n + "," + System.currentTimeMillis() + ",true]";
        };
        return n % 8 == 7 ? "{\"channel\":\"" + channel + "\",\"data\":" + data + "}"
                : "{\"channel\":\"" + channel + "\",\"event\":\"warm-up\",\"data\":" + data + "}";
    }

    /** Waits until every connection has had every notification of its channels (or the deadline). */
    void awaitDeliveries() throws InterruptedException {
        int broadcasts = broadcastsAccepted.get();
        long expected = sockets.isEmpty() ? 0 : (long) sockets.size() * broadcasts + accepted.get() - broadcasts;
        while (framesReceived.get() < expected && !over()) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    int connections() {
        return sockets.size();
    }

    int accepted() {
        return accepted.get();
    }

    int failed() {
        return failed.get();
    }

    long framesReceived() {
        return framesReceived.get();
    }

    /** Past the deadline, the replica shutting down, or publishes failing: no more rounds. */
    boolean over() {
        return stopped.getAsBoolean() || !Instant.now().isBefore(deadline) || failed.get() >= MAX_FAILURES;
    }

    private long remainingMillis() {
        return Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
    }

    /** Closes every connection and both clients, and waits briefly for the closes. */
    @Override
    public void close() {
        List<Future<Void>> closing = sockets.stream().map(WebSocket::close).toList();
        try {
            Future.join(closing).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception slow) {
            // the clients' close below ends what did not close in time
        } finally {
            webSockets.close();
            http.close();
        }
    }
}

