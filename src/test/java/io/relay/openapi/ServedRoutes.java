package io.relay.openapi;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.ext.web.Router;

/** Keeps the service's Vert.x router, so a test can list the routes every other observer added. */
@Singleton
public class ServedRoutes {

    private volatile Router router;

    void keep(@Observes Router router) {
        this.router = router;
    }

    public Router router() {
        return router;
    }
}
