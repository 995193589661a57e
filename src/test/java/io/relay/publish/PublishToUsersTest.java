package io.relay.publish;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.RelayTestSupport.unique;
import static io.relay.publish.PublishEndpointTest.problem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.TestTokens;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** {@code users} on a publish: each user's personal channel gets it, as if listed in {@code channels}. */
@QuarkusTest
class PublishToUsersTest {

    static final String URL = "/api/v1/notifications";

    @TestHTTPResource("/")
    URI base;

    @Test
    void publishesToEachUsersPersonalChannel() {
        String alice = unique("alice-");
        String bob = unique("bob-");
        publisher().body(body("\"users\":" + array(alice, bob))).post(URL).then().statusCode(202)
                .body("channels.channel", equalTo(List.of("user:" + alice, "user:" + bob)))
                .body("channels.offset", equalTo(List.of(1, 1)));
    }

    @Test
    void combinesWithChannelsAndMergesDuplicatesInFirstOrder() {
        String team = unique("team-");
        String alice = unique("alice-");
        String bob = unique("bob-");
        publisher().body(body("\"channels\":" + array(team, "user:" + alice) + ",\"users\":" + array(alice, bob, alice)))
                .post(URL).then().statusCode(202)
                .body("channels.channel", equalTo(List.of(team, "user:" + alice, "user:" + bob)))
                .body("channels.offset", equalTo(List.of(1, 1, 1)));
        publisher().body(body("\"channel\":\"" + team + "\",\"users\":" + array(bob))).post(URL).then().statusCode(202)
                .body("channels.channel", equalTo(List.of(team, "user:" + bob)))
                .body("channels.offset", equalTo(List.of(2, 2)));
    }

    @Test
    void publishesToAThousandUsersAtOnce() {
        List<String> users = users(1000);
        publisher().body(body("\"users\":" + array(users.toArray(String[]::new)))).post(URL).then().statusCode(202)
                .body("channels", hasSize(1000))
                .body("channels.channel", equalTo(users.stream().map(u -> "user:" + u).toList()))
                .body("channels.offset", everyItem(equalTo(1)));
        assertEquals(2, nextOffset(users.get(999)));
    }

    @Test
    void aTargetedUserReceivesItOnAWebSocket() {
        String alice = unique("alice-");
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(alice)).connect()) {
            client.next("welcome");
            publisher().body("{\"users\":" + array(unique("other-"), alice) + ",\"event\":\"hello\",\"data\":{\"n\":7}}")
                    .post(URL).then().statusCode(202);
            JsonObject notification = client.next("notification");
            assertEquals("user:" + alice, notification.getString("channel"));
            assertEquals("hello", notification.getString("event"));
            assertEquals(7, notification.getJsonObject("data").getInteger("n"));
        }
    }

    /** Each case lists the probe user first, so that nothing reaching its channel shows as offset 1 after. */
    static Stream<Arguments> badUsers() {
        return Stream.of(
                Arguments.of("1,001 users", (Function<String, String>) probe -> "\"users\":" + withProbe(probe, users(1000))),
                Arguments.of("an id of 10 KB", (Function<String, String>) probe -> "\"users\":" + array(probe, "u".repeat(10_240))),
                Arguments.of("an id with a space", (Function<String, String>) probe -> "\"users\":" + array(probe, "a b")),
                Arguments.of("an empty id", (Function<String, String>) probe -> "\"users\":" + array(probe, "")),
                Arguments.of("not an array", (Function<String, String>) probe -> "\"users\":\"" + probe + "\""),
                Arguments.of("an empty array", (Function<String, String>) probe -> "\"channel\":\"user:" + probe + "\",\"users\":[]"),
                Arguments.of("a number among the ids", (Function<String, String>) probe -> "\"users\":[\"" + probe + "\",7]"),
                Arguments.of("null among the ids", (Function<String, String>) probe -> "\"users\":[\"" + probe + "\",null]"),
                Arguments.of("users twice", (Function<String, String>) probe -> "\"users\":" + array(probe) + ",\"users\":" + array(probe)),
                Arguments.of("1,001 distinct channels in all", (Function<String, String>) probe -> "\"channels\":"
                        + array(IntStream.range(0, 100).mapToObj(i -> "c" + i + "-" + probe).toArray(String[]::new))
                        + ",\"users\":" + withProbe(probe, users(900))),
                Arguments.of("inbox as a string", (Function<String, String>) probe -> "\"users\":" + array(probe) + ",\"inbox\":\"true\""),
                Arguments.of("a ttl of 0", (Function<String, String>) probe -> "\"users\":" + array(probe) + ",\"ttl\":0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUsers")
    void refusesBadUsersAndPublishesNothing(String name, Function<String, String> fields) {
        String probe = unique("probe-");
        problem(publisher().body(body(fields.apply(probe))).post(URL).then(), 400);
        assertEquals(1, nextOffset(probe));
    }

    @Test
    void refusesAPublishWithoutAnyTarget() {
        problem(publisher().body("{\"data\":1}").post(URL).then(), 400);
    }

    /** Publishes a probe to the user's channel and tells its offset: 1 when nothing reached it before. */
    static long nextOffset(String user) {
        return publisher().body("{\"channel\":\"user:" + user + "\",\"data\":\"probe\"}").post(URL).then().statusCode(202)
                .extract().jsonPath().getLong("channels[0].offset");
    }

    static List<String> users(int count) {
        String prefix = unique("u");
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static String withProbe(String probe, List<String> users) {
        return array(Stream.concat(Stream.of(probe), users.stream()).toArray(String[]::new));
    }

    static String array(String... values) {
        return new JsonArray(List.of(values)).encode();
    }

    private static String body(String fields) {
        return "{" + fields + ",\"data\":{\"k\":1}}";
    }
}
