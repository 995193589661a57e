package io.relay.transport.ws;

import java.util.ArrayDeque;
import java.util.List;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.relay.auth.AccessDeniedException;
import io.relay.auth.Subscriber;
import io.relay.auth.TokenRejectedException;
import io.relay.auth.TokenVerifier;
import io.relay.channel.ChannelName;
import io.relay.engine.Notification;
import io.relay.inbox.InboxEvent;
import io.relay.inbox.InboxMark;
import io.relay.inbox.InboxService;
import io.relay.limit.Limits;
import io.relay.limit.TokenBucket;
import io.relay.metrics.RelayMetrics;
import io.relay.metrics.Transport;
import io.relay.subscribe.ChannelRequest;
import io.relay.subscribe.CloseCode;
import io.relay.subscribe.Outbound;
import io.relay.subscribe.Session;
import io.relay.subscribe.SubscribeException;
import io.relay.subscribe.SubscriptionService;
import io.relay.transport.EarlyInboxEvents;
import io.relay.transport.ServerMessages;
import io.relay.transport.EventLoops;
import io.vertx.core.Vertx;

/**
 * One subscriber WebSocket: decodes ops, calls the subscription service, encodes frames. Confined to
 * the socket's event loop; every field is read and written only there. The library beneath
 * ({@link WsPeer}) reports what arrives and performs the closing handshake.
 *
 * <p>Every frame Relay sends skips the library's per-write machinery: the notification's pre-encoded
 * frame, and control frames (welcome, pong, errors, pings) encoded here, go to the socket through
 * {@link FrameWriter}, all on the socket's event loop, so they stay in order.
 *
 * <p>Outbound queue: at most {@code maxPending} frames may be handed to the socket and not yet
 * written to the network, as Netty's outbound buffer counts them. One more closes the connection
 * with 4002: the client reconnects and resumes from its last offset, so a slow reader loses nothing
 * and costs bounded memory.
 */
final class WsConnection implements Outbound {

    private static final Logger LOG = Logger.getLogger(WsConnection.class);
    /**
     * Ops a client may send before its welcome: reading stops at the upgrade ({@link WsReadGate}), so
     * only those that came in the same read can; more than a client has any use for closes the
     * connection (1008).
     */
    static final int MAX_EARLY_OPS = 64;
    private final WsPeer peer;
    private final FrameWriter frames;
    private final WsReadGate reading;
    private final Vertx vertx;
    private final SubscriptionService service;
    private final InboxService inbox;
    private final TokenVerifier verifier;
    private final RelayMetrics metrics;
    private final WsSettings settings;
    private final Limits limits;
    /** Created on the first op, so an idle connection does not carry one. */
    private TokenBucket ops;
    private Session session;
    private boolean closing;
    /** The welcome was sent: ops are handled as they come. */
    private boolean welcomed;
    /** Ops that came with the upgrade, before the welcome; null once it was sent or when none came. */
    private ArrayDeque<String> early;
    private final EarlyInboxEvents earlyInbox = new EarlyInboxEvents();
    private boolean answeredSinceLastPing = true;
    private long keepAliveTimer = -1;

    WsConnection(WsPeer peer, Channel channel, Vertx vertx, SubscriptionService service, InboxService inbox,
            TokenVerifier verifier, RelayMetrics metrics, WsSettings settings, Limits limits) {
        this.inbox = inbox;
        this.peer = peer;
        this.frames = new FrameWriter(channel);
        this.reading = channel.pipeline().get(WsReadGate.class);
        // the HTTP server sets TCP_NODELAY on every connection; a subscriber's may coalesce instead
        channel.config().setOption(ChannelOption.TCP_NODELAY, settings.tcpNoDelay());
        this.limits = limits;
        this.vertx = vertx;
        this.service = service;
        this.verifier = verifier;
        this.metrics = metrics;
        this.settings = settings;
    }

    /**
     * Starts the session: welcome first (then any replay), then anything the client sent meanwhile.
     * Nothing more is read from the socket until the welcome is out, so ops sent before it wait in the
     * kernel's buffers; those read with the upgrade wait in {@link #early}.
     */
    void start(Subscriber subscriber, List<ChannelRequest> requests) {
        metrics.connectionOpened(Transport.WEBSOCKET);
        session = service.open(subscriber, EventLoops.current(vertx), this,
                settings.maxPendingMessages());
        reading.hold();
        keepAliveTimer = vertx.setPeriodic(settings.pingInterval().toMillis(), id -> keepAlive());
        service.start(session, requests, welcome -> {
            send(ServerMessages.welcome(subscriber.userId(), welcome, settings.pingInterval()));
            earlyInbox.welcome(this::writeInbox);
        }).subscribe().with(starts -> {
                    welcomed = true;
                    reading.release();
                    if (early != null) {
                        early.forEach(this::handle);
                        early = null;
                    }
                }, failure -> {
                    LOG.warnf("could not start a WebSocket session: %s", failure.toString());
                    close(CloseCode.SHUTTING_DOWN);
                });
    }

    @Override
    public void notification(Notification notification, boolean replay) {
        if (!admit()) {
            return;
        }
        frames.write(NotificationFrame.of(notification).duplicate());
        if (!replay) {
            metrics.delivered(Transport.WEBSOCKET);
        } else {
            metrics.replayed(Transport.WEBSOCKET);
        }
    }

    @Override
    public boolean inbox(InboxEvent event) {
        return !closing && earlyInbox.take(event, this::writeInbox, () -> close(CloseCode.SLOW_CONSUMER));
    }

    private boolean writeInbox(InboxEvent event) {
        return send(ServerMessages.inbox(event));
    }

    @Override
    public void close(CloseCode code) {
        if (closing) {
            return;
        }
        closing = true;
        if (code == CloseCode.SLOW_CONSUMER) {
            metrics.slowConsumerClosed();
        }
        release();
        peer.close(code.code(), code.reason());
    }

    /** A binary message: Relay's protocol is text only. */
    void onBinary() {
        close(CloseCode.BINARY_FRAME);
    }

    void onPong() {
        answeredSinceLastPing = true;
    }

    void onText(String text) {
        answeredSinceLastPing = true;
        if (welcomed) {
            handle(text);
        } else if (early == null || early.size() < MAX_EARLY_OPS) {
            if (early == null) {
                early = new ArrayDeque<>();
            }
            early.add(text);
        } else {
            close(CloseCode.POLICY_VIOLATION);
        }
    }

    private void handle(String text) {
        if (ops == null) {
            ops = limits.wsOpBucket();
        }
        if (!ops.tryTake()) {
            limits.wsOpRefused();
            send(WsFrames.error("rate_limited", null, "too many ops per second (relay.limits.ws-op-rate): slow down"));
            return;
        }
        WsCommand command = WsCommand.decode(text);
        if (command instanceof WsCommand.Subscribe subscribe) {
            subscribe(subscribe);
        } else if (command instanceof WsCommand.Unsubscribe unsubscribe) {
            if (service.unsubscribe(session, unsubscribe.channel())) {
                send(WsFrames.unsubscribed(unsubscribe.channel()));
            } else {
                send(WsFrames.error("bad_request", unsubscribe.channel().value(), "not subscribed"));
            }
        } else if (command instanceof WsCommand.Ping) {
            send(WsFrames.PONG);
        } else if (command instanceof WsCommand.Refresh refresh) {
            refresh(refresh.token());
        } else if (command instanceof WsCommand.InboxMarkOp mark) {
            markInbox(mark.mark());
        } else if (command instanceof WsCommand.BadCommand bad) {
            send(WsFrames.error("bad_request", bad.channel(), bad.message()));
        }
    }

    private void subscribe(WsCommand.Subscribe command) {
        String channel = command.channel().value();
        service.subscribe(session, List.of(new ChannelRequest(command.channel(), command.since())),
                starts -> starts.forEach(start -> send(WsFrames.subscribed(start))))
                .subscribe().with(starts -> {
                }, failure -> {
                    if (failure instanceof SubscribeException refused) {
                        send(WsFrames.error(refused.code(), channel, refused.getMessage()));
                    } else if (failure instanceof AccessDeniedException denied) {
                        metrics.authFailure(denied.reason().name());
                        send(WsFrames.error("forbidden", channel, denied.getMessage()));
                    } else {
                        LOG.warnf("subscribe to %s failed: %s", channel, failure.toString());
                        send(WsFrames.error("unavailable", channel, "the channel cannot be read now: try again"));
                    }
                });
    }

    /**
     * The answer is the change's inbox frame, which every connection of the user gets; a mark that changes
     * nothing answers this connection alone, with no items and the counts.
     */
    private void markInbox(InboxMark mark) {
        String user = session.subscriber().userId();
        inbox.mark(user, mark).emitOn(session.eventLoop()).subscribe().with(change -> {
            if (change.items().isEmpty()) {
                send(ServerMessages.inbox(InboxEvent.updated(user, List.of(), change.counts())));
            }
        }, failure -> {
            LOG.warnf("inbox.mark failed: %s", failure.toString());
            send(WsFrames.error("unavailable", null, "the inbox cannot be changed now: try again"));
        });
    }

    private void refresh(String token) {
        try {
            Subscriber refreshed = verifier.verify(token);
            for (ChannelName dropped : service.refresh(session, refreshed)) {
                send(WsFrames.unsubscribed(dropped));
            }
        } catch (TokenRejectedException rejected) {
            metrics.authFailure(rejected.reason().name());
            send(WsFrames.error("bad_request", null, "refresh refused: " + rejected.getMessage()));
        } catch (AccessDeniedException denied) {
            metrics.authFailure(denied.reason().name());
            send(WsFrames.error("forbidden", null, denied.getMessage()));
        }
    }

    /** Pings every interval; a peer that answered nothing since the previous ping is gone. */
    private void keepAlive() {
        if (!answeredSinceLastPing) {
            close(CloseCode.PEER_SILENT);
            return;
        }
        answeredSinceLastPing = false;
        frames.write(WsControlFrames.PING.duplicate());
    }

    private boolean send(String frame) {
        if (!admit()) {
            return false;
        }
        frames.write(WsControlFrames.text(frame));
        return true;
    }

    private boolean admit() {
        if (closing) {
            return false;
        }
        int unwritten = frames.unwritten();
        if (unwritten < 0) {
            return false; // the channel is closed
        }
        if (unwritten >= settings.maxPendingMessages()) {
            close(CloseCode.SLOW_CONSUMER);
            return false;
        }
        return true;
    }

    /** A failure the library reports; broken peers were answered by {@link WsInboundChecks} already. */
    void onException(Throwable failure) {
        LOG.debugf("WebSocket error: %s", failure.toString());
        close(CloseCode.POLICY_VIOLATION);
    }

    void onClosed() {
        closing = true;
        release();
    }

    private void release() {
        if (keepAliveTimer != -1) {
            vertx.cancelTimer(keepAliveTimer);
            keepAliveTimer = -1;
        }
        if (session != null && !session.isClosed()) {
            service.close(session);
            metrics.connectionClosed(Transport.WEBSOCKET);
        }
    }
}
