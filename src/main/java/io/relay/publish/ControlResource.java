package io.relay.publish;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.netty.buffer.ByteBufUtil;
import io.relay.auth.PublisherGuard;
import io.relay.channel.ChannelName;
import io.relay.channel.Cursor;
import io.relay.channel.InvalidCursorException;
import io.relay.channel.StreamPosition;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.History;
import io.relay.engine.Notification;
import io.relay.engine.Replicas;
import io.relay.metrics.RelayMetrics;
import io.relay.problem.Problem;
import io.relay.transport.NotificationPage;
import io.relay.transport.QueryParams;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Publisher-side reads and control: a channel's history and presence, disconnecting a user. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ControlResource {

    static final int MAX_HISTORY_LIMIT = 1000;
    static final int DEFAULT_HISTORY_LIMIT = 100;

    private final PublisherGuard guard;
    private final Replicas replicas;
    private final History history;
    private final Clock clock;
    private final RelayMetrics metrics;

    public ControlResource(PublisherGuard guard, Replicas replicas, History history, RelayMetrics metrics, Clock clock) {
        this.clock = clock;
        this.metrics = metrics;
        this.guard = guard;
        this.replicas = replicas;
        this.history = history;
    }

    /**
     * The channel's retained notifications, oldest first: all of them without a cursor, else those
     * after the cursor's position (same rules as a subscriber's resume). Pages with {@code limit}
     * (1 to 1000, default 100) and {@code more}; the answer's cursor continues.
     */
    @GET
    @Path("/channels/{channel}/history")
    public Uni<Response> history(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("channel") String channel, @Context HttpServerRequest request) {
        guard.require(authorization);
        ChannelName name = ChannelName.of(channel);
        int pageSize = QueryParams.intInRange(request, "limit", 1, MAX_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT);
        String cursor = QueryParams.single(request, "cursor");
        StreamPosition since = cursor == null ? StreamPosition.ORIGIN : positionIn(Cursor.parse(cursor), name);
        return history.read(name, since, pageSize).map(page -> {
            List<Notification> read = page.notifications();
            // the cursor moves past expired notifications too: they are out of retention, not pending
            StreamPosition next = read.isEmpty() ? page.latest() : read.get(read.size() - 1).position();
            List<Notification> notifications = read.stream().filter(n -> !n.isExpired(clock)).toList();
            String nextCursor = Cursor.of(Map.of(name, next)).encode();
            boolean recovered = cursor == null || page.recovered();
            return Response.ok(ByteBufUtil.getBytes(NotificationPage.encode(notifications, nextCursor, recovered, page.more(), null, null)))
                    .type(MediaType.APPLICATION_JSON).build();
        });
    }

    private static StreamPosition positionIn(Cursor cursor, ChannelName channel) {
        if (!cursor.positions().keySet().equals(Set.of(channel))) {
            throw new InvalidCursorException("a history cursor names this channel only");
        }
        return cursor.positions().get(channel);
    }

    @GET
    @Path("/channels/{channel}/presence")
    public Uni<PresenceResponse> presence(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("channel") String channel) {
        guard.require(authorization);
        return replicas.presence(ChannelName.of(channel))
                .onFailure(EngineUnavailableException.class).invoke(() -> metrics.engineError("control"))
                .map(info -> new PresenceResponse(info.channel().value(), info.connections(), List.copyOf(info.users())));
    }

    @DELETE
    @Path("/users/{id}/connections")
    public Uni<Map<String, Integer>> disconnect(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("id") String userId) {
        guard.require(authorization);
        if (!ChannelName.isValidUserId(userId)) {
            throw Problem.INVALID_REQUEST.exception("invalid user id");
        }
        return replicas.disconnect(userId).map(closed -> Map.of("closed", closed))
                .onFailure(EngineUnavailableException.class).invoke(() -> metrics.engineError("control"));
    }

    public record PresenceResponse(String channel, int connections, List<String> users) {
    }
}
