package io.relay.inbox;

import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.relay.auth.Cors;
import io.relay.auth.SubscriberAuthenticator;
import io.relay.transport.QueryParams;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * The subscriber's inbox: {@code /api/v1/inbox}. The token's {@code sub} is the user, taken from the
 * same sources as on every transport (header, cookie; the cookie needs an allowed Origin for a change),
 * and pages on the origins of {@code relay.auth.allowed-origins} may call it (CORS with credentials).
 */
@Path(InboxResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class InboxResource {

    public static final String PATH = "/api/v1/inbox";
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 50;

    private final InboxService inbox;
    private final SubscriberAuthenticator authenticator;

    public InboxResource(InboxService inbox, SubscriberAuthenticator authenticator) {
        this.inbox = inbox;
        this.authenticator = authenticator;
    }

    static void register(@Observes Router router, Cors cors) {
        cors.guard(router, PATH, HttpMethod.GET);
        cors.guard(router, PATH + "/counts", HttpMethod.GET);
        cors.guard(router, PATH + "/mark", HttpMethod.POST);
        cors.guard(router, PATH + "/:id", HttpMethod.PATCH, HttpMethod.DELETE);
    }

    @GET
    public Uni<InboxPage> list(@Context HttpServerRequest request) {
        String user = authenticator.authenticate(request, false).userId();
        String filterName = QueryParams.single(request, "filter");
        InboxFilter filter = filterName == null ? InboxFilter.ALL : InboxFilter.named(filterName);
        if (filter == null) {
            throw InboxRequests.invalid("filter is unread, read, archived or all");
        }
        int limit = QueryParams.intInRange(request, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        String before = QueryParams.single(request, "before");
        return inbox.list(user, filter, limit, before == null ? null : InboxRequests.id(before));
    }

    @GET
    @Path("/counts")
    public Uni<InboxCounts> counts(@Context HttpServerRequest request) {
        return inbox.counts(authenticator.authenticate(request, false).userId());
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<InboxItem> update(@PathParam("id") String id, byte[] body, @Context HttpServerRequest request) {
        String user = authenticator.authenticateChange(request).userId();
        InboxRequests.Flags flags = InboxRequests.flags(body);
        return inbox.update(user, InboxRequests.id(id), flags.read(), flags.archived());
    }

    @POST
    @Path("/mark")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> mark(byte[] body, @Context HttpServerRequest request) {
        String user = authenticator.authenticateChange(request).userId();
        return inbox.mark(user, InboxRequests.mark(body))
                .map(change -> Map.of("updated", change.items().size(), "counts", change.counts()));
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id, @Context HttpServerRequest request) {
        String user = authenticator.authenticateChange(request).userId();
        return inbox.delete(user, InboxRequests.id(id)).map(counts -> Response.noContent().build());
    }
}
