package io.relay.publish;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.RelayTestSupport.unique;
import static io.relay.publish.PublishEndpointTest.problem;
import static io.relay.publish.PublishToUsersTest.array;
import static io.relay.publish.PublishToUsersTest.nextOffset;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;
import io.relay.Metrics;
import io.restassured.path.json.JsonPath;

/** {@code POST /api/v1/notifications/batch}: each item answered on its own, in order, all-or-nothing per item. */
@QuarkusTest
class BatchPublishTest {

    static final String URL = "/api/v1/notifications/batch";

    @Test
    void publishesItemsInOrderAndAnswersEachInTheSameOrder() {
        String channel = unique("orders-");
        String alice = unique("alice-");
        publisher().body(batch(item(channel, 1), item(channel, 2),
                "{\"channel\":\"" + channel + "\",\"users\":" + array(alice) + ",\"data\":3}"))
                .post(URL).then().statusCode(200).contentType("application/json")
                .body("results", hasSize(3))
                .body("results.status", equalTo(List.of(202, 202, 202)))
                .body("results[0].channels[0].offset", equalTo(1))
                .body("results[1].channels[0].offset", equalTo(2))
                .body("results[2].channels.channel", equalTo(List.of(channel, "user:" + alice)))
                .body("results[2].channels.offset", equalTo(List.of(3, 1)))
                .body("results[0].replayed", nullValue());
    }

    @Test
    void oneInvalidItemDoesNotStopTheOthers() {
        String channel = unique("orders-");
        String probe = unique("probe-");
        double invalid = Metrics.sum("relay_publishes_total{outcome=\"invalid\"}");
        double accepted = Metrics.sum("relay_publishes_total{outcome=\"accepted\"}");
        publisher().body(batch(item(channel, 1),
                "{\"channel\":\"" + channel + "\",\"data\":2,\"inbox\":true}",
                "{\"users\":" + array(probe, "u".repeat(10_240)) + ",\"data\":3}",
                "[\"not an object\"]",
                item(channel, 5)))
                .post(URL).then().statusCode(200)
                .body("results.status", equalTo(List.of(202, 400, 400, 400, 202)))
                .body("results[1].problem.status", equalTo(400))
                .body("results[1].problem.type", equalTo("https://relay.dev/problems/invalid-request"))
                .body("results[4].channels[0].offset", equalTo(2))
                .body("results[1].id", nullValue());
        assertEquals(1, nextOffset(probe));
        assertEquals(invalid + 3, Metrics.sum("relay_publishes_total{outcome=\"invalid\"}"));
        assertEquals(accepted + 3, Metrics.sum("relay_publishes_total{outcome=\"accepted\"}"), "two items and the probe");
    }

    @Test
    void anItemOverThePayloadLimitGetsItsOwn413() {
        String channel = unique("big-");
        String big = "{\"channel\":\"" + channel + "\",\"data\":\"" + "x".repeat(70_000) + "\"}";
        publisher().body(batch(big, item(channel, 2))).post(URL).then().statusCode(200)
                .body("results.status", equalTo(List.of(413, 202)))
                .body("results[0].problem.status", equalTo(413))
                .body("results[1].channels[0].offset", equalTo(1));
    }

    @Test
    void aRetriedItemReturnsItsFirstResultAndPublishesNothingNew() {
        String channel = unique("retry-");
        String key = unique("key-");
        String keyed = "{\"channel\":\"" + channel + "\",\"data\":1,\"idempotencyKey\":\"" + key + "\"}";
        JsonPath first = publisher().body(batch(keyed)).post(URL).then().statusCode(200)
                .body("results[0].status", equalTo(202)).body("results[0].replayed", nullValue())
                .extract().jsonPath();
        publisher().body(batch(keyed, keyed)).post(URL).then().statusCode(200)
                .body("results.status", equalTo(List.of(202, 202)))
                .body("results.replayed", equalTo(List.of(true, true)))
                .body("results.id", equalTo(List.of(first.getString("results[0].id"), first.getString("results[0].id"))))
                .body("results.channels.offset", equalTo(List.of(List.of(1), List.of(1))));
        // a single publish with the same key as a header is the same retry
        publisher().header("Idempotency-Key", key).body("{\"channel\":\"" + channel + "\",\"data\":1}")
                .post(PublishToUsersTest.URL).then().statusCode(202).header("Idempotent-Replayed", "true");
        publisher().body(batch(item(channel, 2))).post(URL).then().statusCode(200)
                .body("results[0].channels[0].offset", equalTo(2));
    }

    @Test
    void refusesAMalformedIdempotencyKeyInItsItemOnly() {
        String channel = unique("keys-");
        publisher().body(batch("{\"channel\":\"" + channel + "\",\"data\":1,\"idempotencyKey\":\"\"}",
                "{\"channel\":\"" + channel + "\",\"data\":1,\"idempotencyKey\":7}", item(channel, 3)))
                .post(URL).then().statusCode(200)
                .body("results.status", equalTo(List.of(400, 400, 202)))
                .body("results[2].channels[0].offset", equalTo(1));
    }

    static Stream<String> malformedEnvelopes() {
        String item = "{\"channel\":\"PROBE\",\"data\":1}";
        return Stream.of("[" + item + "]", "{}", "{\"notifications\":[]}", "{\"notifications\":" + item + "}",
                "{\"notifications\":[" + String.join(",", Collections.nCopies(101, item)) + "]}",
                "{\"notifications\":[" + item + "],\"extra\":1}",
                "{\"notifications\":[" + item + "],\"notifications\":[" + item + "]}",
                "{\"notifications\":[" + item + "]", "{\"notifications\":[" + item + ",{\"data\":]}", "");
    }

    @ParameterizedTest
    @MethodSource("malformedEnvelopes")
    void refusesAMalformedEnvelopeAndPublishesNothing(String body) {
        String probe = unique("probe-");
        problem(publisher().body(body.replace("PROBE", "user:" + probe)).post(URL).then(), 400);
        assertEquals(1, nextOffset(probe));
    }

    @Test
    void refusesTheWholeRequestWithoutAKeyOrJson() {
        String probe = unique("probe-");
        String body = batch("{\"channel\":\"user:" + probe + "\",\"data\":1}");
        problem(given().contentType("application/json").body(body).post(URL).then(), 401);
        problem(given().header("Authorization", "Bearer nope").contentType("application/json").body(body).post(URL).then(), 401);
        problem(publisher().contentType("text/plain").body(body).post(URL).then(), 415);
        assertEquals(1, nextOffset(probe));
    }

    @Test
    void refusesABodyOverTheBatchBound() {
        String probe = unique("probe-");
        String item = "{\"channel\":\"user:" + probe + "\",\"data\":\"" + "x".repeat(60_000) + "\"}";
        problem(publisher().body(batch(Collections.nCopies(70, item).toArray(String[]::new))).post(URL).then(), 413);
        assertEquals(1, nextOffset(probe));
    }

    static String item(String channel, int data) {
        return "{\"channel\":\"" + channel + "\",\"data\":" + data + "}";
    }

    static String batch(String... items) {
        return Stream.of(items).collect(Collectors.joining(",", "{\"notifications\":[", "]}"));
    }
}
