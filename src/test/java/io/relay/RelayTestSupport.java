package io.relay;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/** Shared HTTP helpers for tests that talk to the running service. */
public final class RelayTestSupport {

    private RelayTestSupport() {
    }

    public static RequestSpecification publisher() {
        return given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY).contentType("application/json");
    }

    /** Publishes and returns the 202 body, failing on any other status. */
    public static JsonObject publish(String channel, Object data) {
        Response response = publisher().body(new JsonObject().put("channel", channel).put("event", "test")
                .put("data", data).encode()).post("/api/v1/notifications");
        if (response.statusCode() != 202) {
            throw new AssertionError("publish answered " + response.statusCode() + ": " + response.asString());
        }
        return new JsonObject(response.asString());
    }

    /** A channel name no other test uses, so tests do not depend on each other's order. */
    public static String unique(String prefix) {
        return prefix + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}
