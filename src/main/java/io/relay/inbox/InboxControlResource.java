package io.relay.inbox;

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
import io.relay.problem.ClientText;
import io.relay.problem.Problem;
import io.smallrye.mutiny.Uni;

/** The publisher's side of the inbox: recalling a notification from every inbox, and a user's counts. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class InboxControlResource {

    private final PublisherGuard guard;
    private final InboxService inbox;

    public InboxControlResource(PublisherGuard guard, InboxService inbox) {
        this.guard = guard;
        this.inbox = inbox;
    }

    /** Removes the notification from every inbox that holds it: {@code {"removed":n}}, 404 when none did. */
    @DELETE
    @Path("/notifications/{id}")
    public Uni<Map<String, Integer>> recall(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("id") String id) {
        guard.require(authorization);
        return inbox.recall(InboxRequests.id(id)).map(removed -> {
            if (removed == 0) {
                throw Problem.NOT_FOUND.exception("no inbox holds notification " + ClientText.quote(id) + " (never stored with inbox:true, "
                        + "expired, deleted or recalled already)");
            }
            return Map.of("removed", removed);
        });
    }

    @GET
    @Path("/users/{id}/inbox/counts")
    public Uni<InboxCounts> counts(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("id") String userId) {
        guard.require(authorization);
        if (!ChannelName.isValidUserId(userId)) {
            throw Problem.INVALID_REQUEST.exception("invalid user id");
        }
        return inbox.counts(userId);
    }
}
