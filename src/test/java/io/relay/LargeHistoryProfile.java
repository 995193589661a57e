package io.relay;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Slow-reader tests: all of a burst is retained, and a small outbound buffer fills quickly. */
public class LargeHistoryProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("relay.history.size", "1000", "relay.ws.max-pending-messages", "16");
    }
}
