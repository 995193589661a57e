package io.relay.publish;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.publish.PublishEndpointTest.problem;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

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

    @Test
    void answers503AndPublishesOnNoChannel() {
        publisher().body("{\"channel\":\"first\",\"data\":1}").post("/api/v1/notifications").then().statusCode(202);
        problem(publisher().body("{\"channels\":[\"first\",\"second\",\"third\"],\"data\":1}")
                .post("/api/v1/notifications").then(), 503)
                .header("Retry-After", "1");
        publisher().body("{\"channel\":\"first\",\"data\":2}").post("/api/v1/notifications").then().statusCode(202)
                .body("channels[0].offset", org.hamcrest.Matchers.equalTo(2));
    }
}
