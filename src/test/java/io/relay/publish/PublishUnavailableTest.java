package io.relay.publish;

import static io.relay.RelayTestSupport.publisher;
import static io.restassured.RestAssured.given;
import static io.relay.publish.PublishEndpointTest.problem;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.TestTokens;
import io.restassured.path.json.JsonPath;

/** The engine cannot take the publish (here: the memory engine is full): 503, and nothing published. */
@QuarkusTest
@TestProfile(PublishUnavailableTest.TwoChannels.class)
class PublishUnavailableTest {

    public static class TwoChannels implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.history.max-channels", "2");
        }
    }

    /** Both tests use only the channel "first", so that the other channel slot stays free whatever their order. */
    @Test
    void answers503AndPublishesOnNoChannel() {
        int before = publisher().body("{\"channel\":\"first\",\"data\":1}").post("/api/v1/notifications").then()
                .statusCode(202).extract().path("channels[0].offset");
        problem(publisher().body("{\"channels\":[\"first\",\"second\",\"third\"],\"data\":1}")
                .post("/api/v1/notifications").then(), 503)
                .header("Retry-After", "1");
        publisher().body("{\"channel\":\"first\",\"data\":2}").post("/api/v1/notifications").then().statusCode(202)
                .body("channels[0].offset", equalTo(before + 1));
    }

    @Test
    void aBatchItemTheEngineCannotTakeGetsItsOwn503AndTheOthersLand() {
        JsonPath results = publisher().body("{\"notifications\":[{\"channel\":\"first\",\"data\":2},"
                + "{\"channels\":[\"first\",\"new-1\",\"new-2\"],\"data\":3},{\"channel\":\"first\",\"data\":4}]}")
                .post(BatchPublishTest.URL).then().statusCode(200)
                .body("results.status", equalTo(List.of(202, 503, 202)))
                .body("results[1].problem.status", equalTo(503))
                .extract().jsonPath();
        assertEquals(results.getInt("results[0].channels[0].offset") + 1,
                results.getInt("results[2].channels[0].offset"), "the refused item took no offset");
    }

    @Test
    void aPublishTheEngineCannotTakeLeavesNothingInTheInboxes() {
        problem(publisher().body("{\"channels\":[\"first\",\"new-3\"],\"users\":[\"inbox-503\"],\"data\":1,\"inbox\":true}")
                .post("/api/v1/notifications").then(), 503);
        given().header("Authorization", "Bearer " + TestTokens.valid("inbox-503")).get("/api/v1/inbox/counts").then()
                .statusCode(200).body("total", equalTo(0));
    }
}
