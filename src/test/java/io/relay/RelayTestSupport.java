package io.relay;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;

/** Shared HTTP helpers for tests that talk to the running service. */
public final class RelayTestSupport {

    private RelayTestSupport() {
    }

    public static RequestSpecification publisher() {
        return given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY).contentType("application/json");
    }

    /** A channel name no other test uses, so tests do not depend on each other's order. */
    public static String unique(String prefix) {
        return prefix + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}
