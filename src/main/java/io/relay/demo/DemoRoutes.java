package io.relay.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.relay.channel.ChannelName;
import io.relay.problem.Problem;
import io.relay.problem.ProblemBody;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The dev profile's demo page at {@code /}: log in as any user (a dev token in the relay_token cookie),
 * watch that user's and {@code broadcast} notifications arrive through the browser client, publish
 * from a form. Only with {@code relay.demo.enabled}, which start-up refuses outside the dev profile,
 * like the dev credentials the page relies on. {@code relay.demo.refuse-transports} makes this replica
 * answer WebSocket upgrades and/or SSE streams with 502, as a proxy that cannot carry them would, so
 * the client's fallbacks can be seen (and tested).
 */
@Singleton
public class DemoRoutes {

    private final RelayConfig config;
    private final Set<String> refused;

    public DemoRoutes(RelayConfig config) {
        this.config = config;
        this.refused = Set.copyOf(config.demo().refuseTransports().orElse(List.of()));
    }

    void register(@Observes Router router) {
        if (!config.demo().enabled()) {
            return;
        }
        router.route(HttpMethod.GET, "/").order(-20).handler(context -> page(context));
        router.route(HttpMethod.GET, "/demo/login").order(-20).handler(this::login);
        if (refused.contains("websocket")) {
            router.route(HttpMethod.GET, "/ws").order(-20).handler(context -> refuse(context, "WebSocket"));
        }
        if (refused.contains("sse")) {
            router.route(HttpMethod.GET, "/api/v1/notifications/stream").order(-20).handler(context -> refuse(context, "SSE"));
        }
    }

    private static void page(RoutingContext context) {
        try (InputStream html = DemoRoutes.class.getResourceAsStream("/demo/index.html")) {
            context.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(new String(html.readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code /demo/login?user=alice}: a dev token for that user in the cookie, then back to the page. */
    private void login(RoutingContext context) {
        String user = context.request().getParam("user");
        if (!ChannelName.isValidUserId(user)) {
            ProblemBody.of(Problem.INVALID_REQUEST, "user must be a valid user id").send(context.response());
            return;
        }
        String token = DevTokens.sign(user, config.auth().hmacSecret().orElseThrow(),
                Duration.ofHours(8));
        context.response().addCookie(Cookie.cookie(config.auth().cookieName(), token).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.LAX)).setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/?user=" + user).end();
    }

    private static void refuse(RoutingContext context, String transport) {
        ProblemBody.of(Problem.forStatus(502), transport + " is refused here (relay.demo.refuse-transports)")
                .send(context.response().setStatusCode(502));
    }
}
