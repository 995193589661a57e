package io.relay.transport;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.relay.auth.AccessDeniedException;
import io.relay.auth.Subscriber;
import io.relay.auth.SubscriberAuthenticator;
import io.relay.auth.TokenRejectedException;
import io.relay.channel.ChannelName;
import io.relay.channel.Cursor;
import io.relay.limit.ConnectionSlots;
import io.relay.limit.LimitExceededException;
import io.relay.limit.Limits;
import io.relay.metrics.RelayMetrics;
import io.relay.problem.Problem;
import io.relay.problem.ProblemBody;
import io.relay.subscribe.ChannelRequest;
import io.relay.subscribe.SubscribeException;
import io.relay.subscribe.SubscriptionService;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * The start of every subscriber request, on every transport: authenticate, read {@code channel}
 * and {@code cursor}, check the limits and every channel, before anything is upgraded or streamed. A
 * refusal is answered here with problem+json: 401 (with {@code WWW-Authenticate}), 403, 400 or 429
 * (with {@code Retry-After}).
 */
@Singleton
public class SubscriberHandshake {

    private static final Logger LOG = Logger.getLogger(SubscriberHandshake.class);

    /** What an accepted request subscribes to: the personal channel, the requested ones and the cursor's. */
    public record Accepted(Subscriber subscriber, List<ChannelRequest> channels) {
    }

    private final SubscriberAuthenticator authenticator;
    private final SubscriptionService service;
    private final RelayMetrics metrics;
    private final Limits limits;

    public SubscriberHandshake(SubscriberAuthenticator authenticator, SubscriptionService service, RelayMetrics metrics,
            Limits limits) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.service = service;
        this.metrics = metrics;
    }

    /**
     * @param cursorOverride a cursor that takes precedence over the {@code cursor} parameter (SSE's
     *        {@code Last-Event-ID}), or null
     * @return null when the request was refused (the response has been sent)
     */
    public Accepted accept(RoutingContext context, boolean websocket, String cursorOverride) {
        HttpServerRequest request = context.request();
        if (service.isClosing()) {
            context.response().putHeader("Retry-After", "1");
            refuse(context, Problem.SHUTTING_DOWN, "this replica is shutting down: connect again (another replica will answer)");
            return null;
        }
        ConnectionSlots.Slot slot = null;
        try {
            Subscriber subscriber = authenticator.authenticate(request, websocket);
            slot = limits.admitSubscriber(subscriber);
            Cursor cursor = cursor(request, cursorOverride);
            Accepted accepted = new Accepted(subscriber, service.initialChannels(subscriber, channels(request), cursor));
            holdUntilEnd(context, slot);
            slot = null;
            return accepted;
        } catch (TokenRejectedException rejected) {
            metrics.authFailure(rejected.reason().name());
            rejected.send(context.response());
        } catch (AccessDeniedException denied) {
            metrics.authFailure(denied.reason().name());
            denied.send(context.response());
        } catch (IllegalArgumentException | SubscribeException invalid) {
            refuse(context, Problem.INVALID_REQUEST, invalid.getMessage());
        } catch (LimitExceededException limited) {
            limited.send(context.response());
        } finally {
            if (slot != null) {
                // refused after its slot was taken
                slot.release();
            }
        }
        return null;
    }

    /**
     * Keeps the connection's slot while it serves the subscriber: until its response ends (a stream, a
     * poll, a refused upgrade) or its TCP connection closes (a WebSocket, or a client that went away).
     * The close listener leaves with the response, so polls on one keep-alive connection pile none up.
     */
    private static void holdUntilEnd(RoutingContext context, ConnectionSlots.Slot slot) {
        ChannelFuture closed = ((ConnectionBase) context.request().connection()).channel().closeFuture();
        GenericFutureListener<Future<? super Void>> onClose = future -> slot.release();
        closed.addListener(onClose);
        context.addEndHandler(ended -> {
            closed.removeListener(onClose);
            slot.release();
        });
    }

    public static void refuse(RoutingContext context, Problem problem, String detail) {
        ProblemBody.of(problem, detail).send(context.response());
    }

    /**
     * Answers a subscription that could not start, before any stream began: 400 for a refused
     * subscription, else 503 (history could not be read) with {@code Retry-After}.
     */
    public static void refuseStart(RoutingContext context, Throwable failure) {
        if (failure instanceof SubscribeException refused) {
            refuse(context, Problem.INVALID_REQUEST, refused.getMessage());
        } else {
            LOG.warnf("a subscription could not start: %s", failure.toString());
            context.response().putHeader("Retry-After", "1");
            refuse(context, Problem.ENGINE_UNAVAILABLE, "the channels cannot be read now: try again");
        }
    }

    private static Cursor cursor(HttpServerRequest request, String override) {
        if (override != null && !override.isEmpty()) {
            return Cursor.parse(override);
        }
        String cursor = QueryParams.single(request, "cursor");
        return cursor == null ? null : Cursor.parse(cursor);
    }

    private static List<ChannelName> channels(HttpServerRequest request) {
        List<String> values = request.params().getAll("channel");
        List<ChannelName> channels = new ArrayList<>(values.size());
        for (String value : values) {
            channels.add(ChannelName.of(value));
        }
        return channels;
    }
}
