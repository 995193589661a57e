package io.relay.ops;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One Vert.x event loop per CPU the process may use, instead of Quarkus's two. Relay never blocks a
 * loop, so a second loop per CPU buys no headroom, only hand-offs of notifications between loops.
 * The ordinal is below {@code application.properties} (250) and the environment (300), so setting
 * {@code quarkus.vertx.event-loops-pool-size} anywhere still wins.
 */
public final class EventLoopsPerCpu implements ConfigSource {

    static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";
    private static final int ORDINAL = 200;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(PROPERTY, getValue(PROPERTY));
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public String getValue(String propertyName) {
        // a container's CPU limit is what the JVM reports here (cgroups)
        return PROPERTY.equals(propertyName) ? Integer.toString(Runtime.getRuntime().availableProcessors()) : null;
    }

    @Override
    public String getName() {
        return "relay: one event loop per CPU";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
