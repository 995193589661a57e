package io.relay.inbox;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.RelayTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.TestTokens;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** An item that expires leaves the inbox of a connected user within the sweep interval, and the user's connections are told. */
@QuarkusTest
@TestProfile(InboxExpiryLiveTest.FastSweep.class)
public class InboxExpiryLiveTest {

    public static class FastSweep implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.inbox.sweep-interval", "200ms");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aConnectedUserIsToldWhenAnItemExpires() {
        String user = unique("expiring-");
        try (WsTestClient phone = WsTestClient.to(base).token(TestTokens.valid(user)).connect()) {
            phone.next("welcome");
            String id = publisher().body("{\"users\":[\"" + user + "\"],\"data\":1,\"inbox\":true,\"ttl\":1}")
                    .post("/api/v1/notifications").then().statusCode(202).extract().path("id");
            JsonObject change;
            do {
                change = phone.next();
            } while (!"inbox".equals(change.getString("type")) || !"removed".equals(change.getString("change")));
            assertEquals(new JsonArray().add(id), change.getJsonArray("ids"));
            assertEquals(new JsonObject().put("unread", 0).put("total", 0), change.getJsonObject("counts"));
        }
    }
}
