package io.relay.transport.poll;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.Metrics;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /api/v1/notifications/long-poll}: answers at once when something is pending, else on
 * the first arrival, else at the timeout; waiting holds no thread and leaves nothing behind.
 */
@QuarkusTest
class LongPollTest {

    static final String PATH = "/api/v1/notifications/long-poll";

    @TestHTTPResource("/")
    URI base;

    private static JsonPath longPoll(String token, Map<String, ?> query) {
        return PollTest.as(token).queryParams(query).get(PATH).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void answersAtOnceWhenSomethingIsPending() {
        String user = unique("lp-now-");
        String cursor = PollTest.poll(TestTokens.valid(user), Map.of()).getString("cursor");
        new Publisher(base).publish("user:" + user, new JsonObject().put("n", 1));
        long started = System.nanoTime();
        JsonPath answer = longPoll(TestTokens.valid(user), Map.of("cursor", cursor, "timeout", 30));
        assertEquals(List.of(1), answer.getList("notifications.offset"));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 20, "did not wait for the timeout");
    }

    @Test
    void wakesUpWhenANotificationArrives() throws Exception {
        String user = unique("lp-wake-");
        String cursor = PollTest.poll(TestTokens.valid(user), Map.of()).getString("cursor");
        double waitingBefore = Metrics.waitingLongPolls();
        CompletableFuture<JsonPath> waiting = CompletableFuture.supplyAsync(
                () -> longPoll(TestTokens.valid(user), Map.of("cursor", cursor, "timeout", 30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.waitingLongPolls() > waitingBefore);
        Publisher publisher = new Publisher(base);
        publisher.publish("user:" + user, new JsonObject().put("n", "woken"));
        JsonPath answer = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("woken"), answer.getList("notifications.data.n"));
        assertTrue(answer.getBoolean("recovered"));
        // the returned cursor continues exactly after it
        publisher.publish("user:" + user, new JsonObject().put("n", "next"));
        assertEquals(List.of("next"), longPoll(TestTokens.valid(user), Map.of("cursor", answer.getString("cursor")))
                .getList("notifications.data.n"));
    }

    @Test
    void answersAtTheTimeoutWithNothingAndTheSameCursor() {
        String user = unique("lp-timeout-");
        String cursor = PollTest.poll(TestTokens.valid(user), Map.of()).getString("cursor");
        JsonPath answer = longPoll(TestTokens.valid(user), Map.of("cursor", cursor, "timeout", 1));
        assertEquals(List.of(), answer.getList("notifications"));
        assertEquals(cursor, answer.getString("cursor"));
        assertTrue(answer.getBoolean("recovered"));
    }

    @Test
    void aClientThatGoesAwayLeavesNoListenerBehind() throws Exception {
        String user = unique("lp-gone-");
        double waitingBefore = Metrics.waitingLongPolls();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + PATH + "?timeout=60 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + TestTokens.valid(user) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.waitingLongPolls() == waitingBefore + 1);
            assertEquals(1, presence("user:" + user), "the wait is subscribed to the channel");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.waitingLongPolls() == waitingBefore);
        await().atMost(Duration.ofSeconds(10)).until(() -> presence("user:" + user) == 0);
    }

    @Test
    void oneBroadcastWakesAThousandWaitsWithoutAThreadEach() throws Exception {
        int waits = 1000;
        String channel = unique("team:wake-all-");
        String token = TestTokens.valid(unique("many-"), channel);
        String cursor = PollTest.as(token).queryParam("channel", channel).get(PollTest.PATH).then().statusCode(200)
                .extract().path("cursor");
        int threadsBefore = serverThreads();
        double waitingBefore = Metrics.waitingLongPolls();
        HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>(waits);
        for (int i = 0; i < waits; i++) {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(PATH + "?timeout=60&cursor=" + cursor))
                    .header("Authorization", "Bearer " + token).build();
            answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Metrics.waitingLongPolls() == waitingBefore + waits);
        assertTrue(serverThreads() <= threadsBefore + 2,
                "waiting long-polls hold no worker thread: " + threadsBefore + " before, " + serverThreads() + " after");
        new Publisher(base).publish(channel, new JsonObject().put("n", "everyone"));
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            JsonObject body = new JsonObject(response.body());
            assertEquals("everyone", body.getJsonArray("notifications").getJsonObject(0).getJsonObject("data").getString("n"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.waitingLongPolls() == waitingBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = { "timeout=0", "timeout=61", "timeout=-1", "timeout=2.5", "timeout=soon", "timeout=1&timeout=2",
            "limit=0", "limit=1001" })
    void refusesParametersOutOfRange(String query) {
        given().header("Authorization", "Bearer " + TestTokens.valid("alice")).get(PATH + "?" + query)
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void refusesWithoutTokenBeforeWaiting() {
        given().get(PATH + "?timeout=30").then().statusCode(401).contentType("application/problem+json");
    }

    static int presence(String channel) {
        return given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .get("/api/v1/channels/" + channel + "/presence").then().statusCode(200).extract().path("connections");
    }

    /** Threads that could be parked for a request: Quarkus's worker pool and Vert.x's workers. */
    private static int serverThreads() {
        return (int) Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
                .map(info -> info.getThreadName())
                .filter(name -> name.startsWith("executor-thread") || name.startsWith("vert.x-worker"))
                .count();
    }
}
