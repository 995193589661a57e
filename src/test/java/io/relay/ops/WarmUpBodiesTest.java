package io.relay.ops;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.relay.TestTokens;

/**
 * The warm-up's bodies are publishes the replica accepts, so that the warm-up runs the paths clients
 * do. Apart from {@link WarmUpTest}, whose replica must see no publish of anyone else's.
 */
@QuarkusTest
class WarmUpBodiesTest {

    @Test
    void everyBodyShapeTheWarmUpSendsIsAValidPublish() {
        for (int n = 0; n < 8; n++) {
            given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY).contentType("application/json")
                    .body(WarmUpLoad.body("warm-up-shapes", n)).post("/api/v1/notifications")
                    .then().statusCode(202);
        }
    }
}
