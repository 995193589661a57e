package io.relay.ops;

import java.util.logging.Handler;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.quarkus.runtime.StartupEvent;
import io.relay.RelayConfig;

/**
 * {@code relay.log.json=true}: the console writes one JSON object per line ({@link JsonLogFormatter}),
 * for log collectors. Switched first thing at start-up; the few lines Quarkus writes before that stay
 * plain text. The registry we build from lacks quarkus-logging-json's deployment artifact, and JBoss
 * LogManager's own JSON formatter cannot see JSON-P from the system class loader, hence this.
 */
@Singleton
public class JsonLogs {

    void onStart(@Observes @Priority(0) StartupEvent event, RelayConfig config) {
        if (config.log().json()) {
            for (Handler handler : LogContext.getLogContext().getLogger("").getHandlers()) {
                useJson(handler);
            }
        }
    }

    private static void useJson(Handler handler) {
        if (handler instanceof ConsoleHandler console) {
            console.setFormatter(new JsonLogFormatter());
        } else if (handler instanceof ExtHandler parent) {
            for (Handler nested : parent.getHandlers()) {
                useJson(nested);
            }
        }
    }
}
