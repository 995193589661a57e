package io.relay.auth;

import java.util.Arrays;

import jakarta.inject.Singleton;

import io.relay.problem.Problem;
import io.vertx.core.Handler;
import io.relay.problem.ProblemBody;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS with credentials for the subscriber's HTTP endpoints (polling, long-polling, SSE): a page on
 * an origin in {@code relay.auth.allowed-origins} may read them with its cookie or a bearer header. Preflights from other origins are refused (403, no grant); their simple
 * requests get no CORS headers, so the browser keeps the answer from the page.
 */
@Singleton
public class Cors {

    private static final String ALLOWED_HEADERS = "Authorization, Last-Event-ID, Cache-Control, Content-Type";
    private static final String MAX_AGE_SECONDS = "600";
    /** What a client on another origin needs to read to back off as told and to know why it was refused. */
    private static final String EXPOSED_HEADERS = "Retry-After, WWW-Authenticate";

    private final OriginPolicy origins;

    public Cors(OriginPolicy origins) {
        this.origins = origins;
    }

    /**
     * Routes {@code GET path} to {@code handler} behind this policy, and answers its preflights. Runs
     * before Quarkus REST (order -10), which keeps other methods on the same path (the publish POST).
     */
    public void route(Router router, String path, Handler<RoutingContext> handler) {
        guard(router, path, HttpMethod.GET);
        router.route(HttpMethod.GET, path).order(-10).handler(handler);
    }

    /**
     * Puts {@code methods} of {@code path} behind this policy and answers its preflights, then leaves the
     * requests to the next handler (Quarkus REST).
     */
    public void guard(Router router, String path, HttpMethod... methods) {
        String granted = String.join(", ", Arrays.stream(methods).map(HttpMethod::name).toList());
        router.route(HttpMethod.OPTIONS, path).order(-10).handler(context -> handle(context, granted));
        for (HttpMethod method : methods) {
            router.route(method, path).order(-10).handler(context -> handle(context, granted));
        }
    }

    /** Answers preflights, adds the grant to other requests and passes them on. */
    void handle(RoutingContext context, String methods) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        boolean granted = origin != null && origins.isListed(origin);
        if (origin != null) {
            response.putHeader(HttpHeaders.VARY, "Origin");
        }
        if (request.method() == HttpMethod.OPTIONS) {
            preflight(response, origin, granted, methods);
            return;
        }
        if (granted) {
            grant(response, origin);
        }
        context.next();
    }

    private static void preflight(HttpServerResponse response, String origin, boolean granted, String methods) {
        if (!granted) {
            ProblemBody.of(Problem.FORBIDDEN, origin == null ? "a preflight needs an Origin"
                    : "this origin is not in relay.auth.allowed-origins").send(response);
            return;
        }
        grant(response, origin);
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
                .setStatusCode(204).end();
    }

    private static void grant(HttpServerResponse response, String origin) {
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                .putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }
}
