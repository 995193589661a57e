package io.relay.ops;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.relay.auth.Cors;
import io.vertx.ext.web.Router;

/**
 * Lets pages on allowed origins read {@code /q/health/live}: the browser client asks it whether the
 * relay is up when a transport fails, and falls back only when it is (docs/clients.md).
 */
@Singleton
public class LivenessCors {

    static final String PATH = "/q/health/live";

    private final Cors cors;

    public LivenessCors(Cors cors) {
        this.cors = cors;
    }

    void register(@Observes Router router) {
        cors.grant(router, PATH);
    }
}
