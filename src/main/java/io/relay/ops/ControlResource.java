package io.relay.ops;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import io.relay.auth.PublisherGuard;
import io.relay.channel.ChannelName;
import io.relay.engine.Presence;
import io.relay.problem.Problem;
import io.relay.subscribe.CloseCode;
import io.relay.subscribe.SubscriptionService;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;

/** Publisher-side reads and control: presence of a channel, disconnecting a user. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ControlResource {

    private final PublisherGuard guard;
    private final Presence presence;
    private final SubscriptionService subscriptions;

    public ControlResource(PublisherGuard guard, Presence presence, SubscriptionService subscriptions) {
        this.guard = guard;
        this.presence = presence;
        this.subscriptions = subscriptions;
    }

    @GET
    @Path("/channels/{channel}/presence")
    public Uni<PresenceResponse> presence(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("channel") String channel) {
        guard.require(authorization);
        return presence.get(ChannelName.of(channel))
                .map(info -> new PresenceResponse(info.channel().value(), info.connections(), List.copyOf(info.users())));
    }

    @DELETE
    @NonBlocking
    @Path("/users/{id}/connections")
    public Map<String, Integer> disconnect(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("id") String userId) {
        guard.require(authorization);
        if (!ChannelName.isValidUserId(userId)) {
            throw Problem.INVALID_REQUEST.exception("invalid user id");
        }
        return Map.of("closed", subscriptions.disconnectUser(userId, CloseCode.DISCONNECTED));
    }

    public record PresenceResponse(String channel, int connections, List<String> users) {
    }
}
