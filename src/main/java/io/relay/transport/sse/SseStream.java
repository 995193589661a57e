package io.relay.transport.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.relay.engine.Notification;
import io.relay.inbox.InboxEvent;
import io.relay.metrics.RelayMetrics;
import io.relay.metrics.Transport;
import io.relay.problem.Problem;
import io.relay.subscribe.ChannelRequest;
import io.relay.subscribe.CloseCode;
import io.relay.subscribe.Outbound;
import io.relay.subscribe.Session;
import io.relay.subscribe.SubscriptionService;
import io.relay.subscribe.SubscriptionStart;
import io.relay.subscribe.Welcome;
import io.relay.transport.CursorTracker;
import io.relay.transport.EarlyInboxEvents;
import io.relay.transport.ServerMessages;
import io.relay.transport.SubscriberHandshake;
import io.relay.transport.EventLoops;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One SSE stream. Confined to the request's event loop. Events: {@code welcome} first (its id is
 * the starting cursor), then {@code notification} with {@code id: <cursor>} after each, a comment
 * line every heartbeat, and {@code close} (with the WebSocket close code and whether to reconnect)
 * just before the server ends the stream.
 *
 * <p>The same bounded buffer as a WebSocket: at most {@code maxPending} events handed to the socket
 * and not yet written. One more ends the stream (close code 4002); the client resumes from the last
 * id it received and loses nothing.
 */
final class SseStream implements Outbound {

    private static final byte[] NOTIFICATION_PREFIX = "event: notification\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final Buffer HEARTBEAT = Buffer.buffer(":\n\n");

    private final RoutingContext context;
    private final HttpServerResponse response;
    private final SubscriptionService service;
    private final RelayMetrics metrics;
    private final List<ChannelRequest> requests;
    private final Duration heartbeat;
    private final int maxPending;
    private final Session session;
    private final CursorTracker cursor = new CursorTracker();
    private final Handler<AsyncResult<Void>> onWritten = this::written;
    private final EarlyInboxEvents early = new EarlyInboxEvents();
    private int pending;
    private boolean open;
    private boolean closed;
    private ScheduledFuture<?> heartbeatTimer;

    SseStream(RoutingContext context, SubscriptionService service, RelayMetrics metrics,
            SubscriberHandshake.Accepted accepted, Duration heartbeat, int maxPending) {
        this.context = context;
        this.response = context.response();
        this.service = service;
        this.metrics = metrics;
        this.requests = accepted.channels();
        this.heartbeat = heartbeat;
        this.maxPending = maxPending;
        this.session = service.open(accepted.subscriber(),
                EventLoops.current(context.vertx()), this, maxPending);
    }

    /** The stream (status and headers) starts with the welcome, once history is read: a failure before is still a problem+json answer. */
    void start() {
        metrics.connectionOpened(Transport.SSE);
        response.closeHandler(v -> release());
        service.start(session, requests, this::welcome)
                .subscribe().with(this::live, this::failed);
    }

    private void welcome(Welcome welcome) {
        open = true;
        cursor.start(requests, welcome.channels());
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no");
        write(Buffer.buffer("event: welcome\nid: " + cursor.encode() + "\ndata: "
                + ServerMessages.welcome(session.subscriber().userId(), welcome, heartbeat) + "\n\n"));
        early.welcome(this::writeInbox);
    }

    private void live(List<SubscriptionStart> starts) {
        if (closed) {
            return;
        }
        cursor.caughtUp(starts);
        long period = heartbeat.toMillis();
        heartbeatTimer = session.eventLoop().scheduleAtFixedRate(() -> write(HEARTBEAT), period, period,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void notification(Notification notification, boolean replay) {
        cursor.advance(notification);
        ByteBuf event = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(NOTIFICATION_PREFIX),
                Unpooled.wrappedBuffer(cursor.encode().getBytes(StandardCharsets.US_ASCII)), Unpooled.wrappedBuffer(DATA),
                notification.json().duplicate(), Unpooled.wrappedBuffer(END));
        if (write(Buffer.buffer(event))) {
            if (replay) {
                metrics.replayed(Transport.SSE);
            } else {
                metrics.delivered(Transport.SSE);
            }
        }
    }

    @Override
    public boolean inbox(InboxEvent event) {
        return !closed && early.take(event, this::writeInbox, () -> close(CloseCode.SLOW_CONSUMER));
    }

    /** {@code event: inbox} without an id: the cursor names channel positions, which an inbox change does not move. */
    private boolean writeInbox(InboxEvent event) {
        return write(Buffer.buffer("event: inbox\ndata: " + ServerMessages.inbox(event) + "\n\n"));
    }

    @Override
    public void close(CloseCode code) {
        if (closed) {
            return;
        }
        if (code == CloseCode.SLOW_CONSUMER) {
            metrics.slowConsumerClosed();
        }
        if (open && !response.closed()) {
            response.end(Buffer.buffer("event: close\ndata: " + ServerMessages.close(code) + "\n\n"));
            if (code == CloseCode.SLOW_CONSUMER) {
                // a reader that stopped reading may never take the end: free the connection now
                context.request().connection().close();
            }
        } else if (!response.ended() && !response.closed()) {
            // ended before the stream started (overflow while reading history): the client retries
            response.putHeader("Retry-After", "1");
            SubscriberHandshake.refuse(context, Problem.ENGINE_UNAVAILABLE, code.reason());
        }
        release();
    }

    private void failed(Throwable failure) {
        if (closed) {
            return;
        }
        release();
        SubscriberHandshake.refuseStart(context, failure);
    }

    private boolean write(Buffer buffer) {
        if (closed) {
            return false;
        }
        if (pending >= maxPending) {
            close(CloseCode.SLOW_CONSUMER);
            return false;
        }
        pending++;
        response.write(buffer, onWritten);
        return true;
    }

    private void written(AsyncResult<Void> result) {
        pending--;
    }

    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel(false);
        }
        metrics.connectionClosed(Transport.SSE);
        service.close(session);
    }
}
