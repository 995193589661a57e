package io.relay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.relay.Publisher;
import io.relay.RelayProcess;
import io.relay.TestTokens;
import io.relay.channel.ChannelName;
import io.relay.channel.Cursor;
import io.relay.channel.StreamPosition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every example in {@code examples/} run as a child process against the packaged service, as a user
 * would run it: the Python subscriber (aiohttp) and publisher, and each curl recipe.
 */
class ExamplesIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String SECRET = TestTokens.SECRET;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static RelayProcess relay;
    private static URI base;
    private static Publisher publisher;
    private static String pythonMissing;
    private static String curlMissing;

    @BeforeAll
    static void startRelay() throws Exception {
        pythonMissing = missing("/usr/bin/python3 cannot import aiohttp: install the Debian package python3-aiohttp"
                + " (apt-get install -y python3-aiohttp)", PYTHON, "-c", "import aiohttp");
        curlMissing = missing("curl is not installed: install the Debian package curl (apt-get install -y curl)",
                "curl", "--version");
        relay = RelayProcess.start(RelayProcess.env("RELAY_PUBLISHER_KEYS", TestTokens.PUBLISHER_KEY,
                "RELAY_AUTH_HMAC_SECRET", SECRET, "RELAY_SHUTDOWN_DRAIN_DELAY", "0s"));
        base = relay.awaitReady().base();
        publisher = new Publisher(base);
    }

    @AfterAll
    static void stopRelay() throws IOException {
        if (relay != null) {
            relay.close();
        }
    }

    // ---- Python subscriber (aiohttp WebSocket client)

    @Test
    void pythonSubscriberPrintsNotificationsInOrderWithTheTokenInTheHeader() {
        requirePython();
        String user = "py-header";
        try (ExampleProcess subscriber = subscriber(base, token(user, "team:*"), "header", "team:header", 6)) {
            awaitWelcomes(subscriber, 1);
            List<JsonObject> published = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                published.add(publish("user:" + user, i));
                published.add(publish("team:header", i));
            }
            assertEquals(0, subscriber.awaitExit(), subscriber.transcript());
            assertDeliveredExactly(published, subscriber.stdout());
        }
    }

    @Test
    void pythonSubscriberAuthenticatesWithTheCookieAtTheHandshake() {
        requirePython();
        String user = "py-cookie";
        try (ExampleProcess subscriber = subscriber(base, token(user), "cookie", "", 3)) {
            awaitWelcomes(subscriber, 1);
            List<JsonObject> published = List.of(publish("user:" + user, 1), publish("user:" + user, 2),
                    publish("user:" + user, 3));
            assertEquals(0, subscriber.awaitExit(), subscriber.transcript());
            assertDeliveredExactly(published, subscriber.stdout());
            assertEquals(1, subscriber.stderrCount(l -> l.contains("connecting from now (cookie)")));
        }
    }

    @Test
    void pythonSubscriberWithTheCookieFromAForeignOriginIsRefusedAndDoesNotRetry() {
        requirePython();
        Map<String, String> env = subscriberEnv(base, token("py-origin"), "cookie", "", 1);
        env.put("ORIGIN", "https://evil.example");
        try (ExampleProcess subscriber = ExampleProcess.start(env, PYTHON, "python/subscriber.py")) {
            assertEquals(2, subscriber.awaitExit(), subscriber.transcript());
            assertEquals(1, subscriber.stderrCount(l -> l.contains("handshake refused: 403")), subscriber.transcript());
            assertEquals(List.of(), subscriber.stdout());
        }
    }

    @Test
    void pythonSubscriberResumesWithCursorAfterDrop() throws Exception {
        requirePython();
        String user = "py-resume";
        String personal = "user:" + user;
        try (CuttingProxy proxy = new CuttingProxy(base);
                ExampleProcess subscriber = subscriber(proxy.uri(), token(user, "team:*"), "header", "team:resume", 7)) {
            awaitWelcomes(subscriber, 1);
            List<JsonObject> published = new ArrayList<>(List.of(publish(personal, 1), publish("team:resume", 1)));
            subscriber.awaitStdoutLines(2);

            // the network drops: the subscriber's socket ends with no close frame, and its reconnects fail
            proxy.cut();
            subscriber.awaitThat("the subscriber tries to reconnect while the network is down",
                    () -> proxy.refused() >= 1);
            published.add(publish(personal, 2));
            published.add(publish("team:resume", 2));
            published.add(publish(personal, 3));
            proxy.restore();

            awaitWelcomes(subscriber, 2);
            subscriber.awaitStdoutLines(5);
            published.add(publish("team:resume", 3));
            published.add(publish(personal, 4));
            assertEquals(0, subscriber.awaitExit(), subscriber.transcript());

            assertDeliveredExactly(published, subscriber.stdout());
            List<String> requests = proxy.requestLines();
            assertEquals(2, requests.size(), requests.toString());
            assertFalse(requests.get(0).contains("cursor="), "first connect is from now: " + requests.get(0));
            Map<ChannelName, StreamPosition> resumedFrom = cursorOf(requests.get(1)).positions();
            assertEquals(Map.of(ChannelName.of(personal), position(published.get(0)),
                    ChannelName.of("team:resume"), position(published.get(1))), resumedFrom,
                    "the reconnect names the last position seen on each channel");
            assertEquals(0, subscriber.stderrCount(l -> l.startsWith("subscriber: welcome")
                    && l.contains("\"recovered\":false")), "the resume recovered everything: " + subscriber.transcript());
        }
    }

    @Test
    void pythonSubscriberStopsWhenTheDisconnectRecipeClosesItWith4003() {
        requirePython();
        requireCurl();
        String user = "py-stop";
        try (ExampleProcess subscriber = subscriber(base, token(user), "header", "", 0)) {
            awaitWelcomes(subscriber, 1);
            ExampleProcess disconnect = ExampleProcess.start(Map.of("BASE_URL", url(base),
                    "PUBLISHER_KEY", TestTokens.PUBLISHER_KEY, "USER_ID", user), "sh", "curl/disconnect.sh");
            assertEquals(0, disconnect.awaitExit(), disconnect.transcript());
            assertEquals(1, new JsonObject(disconnect.out()).getInteger("closed"));
            assertEquals(3, subscriber.awaitExit(), subscriber.transcript());
            assertEquals(1, subscriber.stderrCount(l -> l.contains("closed with 4003")), subscriber.transcript());
            assertEquals(1, subscriber.stderrCount(l -> l.startsWith("subscriber: connecting")),
                    "it did not reconnect: " + subscriber.transcript());
        }
    }

    // ---- Python publisher

    @Test
    void pythonPublisherNotificationArrivesAtThePythonSubscriber() {
        requirePython();
        String user = "py-publish";
        try (ExampleProcess subscriber = subscriber(base, token(user), "header", "", 1)) {
            awaitWelcomes(subscriber, 1);
            ExampleProcess python = ExampleProcess.start(Map.of("BASE_URL", url(base), "PUBLISHER_KEY",
                    TestTokens.PUBLISHER_KEY), PYTHON, "python/publisher.py", "--channel", "user:" + user,
                    "--event", "order.shipped", "--data", "{\"orderId\":7}");
            assertEquals(0, python.awaitExit(), python.transcript());
            JsonObject accepted = new JsonObject(python.out());
            assertEquals(0, subscriber.awaitExit(), subscriber.transcript());
            JsonObject received = new JsonObject(subscriber.stdout().get(0));
            assertEquals(accepted.getString("id"), received.getString("id"));
            assertEquals("user:" + user, received.getString("channel"));
            assertEquals(offset(accepted), received.getLong("offset"));
            assertEquals("order.shipped", received.getString("event"));
            assertEquals(new JsonObject().put("orderId", 7), received.getJsonObject("data"));
        }
    }

    @Test
    void pythonPublisherRetriesA503AfterRetryAfterWithTheSameIdempotencyKey() throws Exception {
        requirePython();
        String channel = "team:retry";
        List<String> keys = new CopyOnWriteArrayList<>();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        // in front of the relay: the first request gets 503 with Retry-After: 1, the others reach the relay
        HttpServer front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        front.createContext("/", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            arrivals.add(System.nanoTime());
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            byte[] answer;
            if (requests.incrementAndGet() == 1) {
                status = 503;
                answer = "{\"status\":503,\"title\":\"Engine unavailable\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                exchange.getResponseHeaders().add("Retry-After", "1");
            } else {
                HttpRequest.Builder forward = HttpRequest.newBuilder(base.resolve(exchange.getRequestURI().getPath()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("Authorization", "Content-Type", "Idempotency-Key")) {
                    forward.header(header, exchange.getRequestHeaders().getFirst(header));
                }
                try {
                    HttpResponse<byte[]> relayed = HTTP.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                    status = relayed.statusCode();
                    answer = relayed.body();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        front.start();
        try {
            URI frontUri = URI.create("http://127.0.0.1:" + front.getAddress().getPort());
            ExampleProcess python = ExampleProcess.start(Map.of("BASE_URL", url(frontUri), "PUBLISHER_KEY",
                    TestTokens.PUBLISHER_KEY, "CHANNEL", channel, "DATA", "{\"n\":1}"), PYTHON, "python/publisher.py");
            assertEquals(0, python.awaitExit(), python.transcript());
            JsonObject accepted = new JsonObject(python.out());
            assertEquals(channel, accepted.getJsonArray("channels").getJsonObject(0).getString("channel"));
            assertEquals(2, keys.size(), "one 503, one retry: " + keys);
            assertTrue(keys.get(0) != null && !keys.get(0).isBlank(), "an Idempotency-Key is sent");
            assertEquals(keys.get(0), keys.get(1), "the retry carries the same Idempotency-Key");
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0));
            assertTrue(waitedMillis >= 900, "the retry waited for Retry-After: 1, not " + waitedMillis + " ms");

            // the same key again, straight to the relay: the first result, nothing published twice
            ExampleProcess again = ExampleProcess.start(Map.of("BASE_URL", url(base), "PUBLISHER_KEY",
                    TestTokens.PUBLISHER_KEY, "CHANNEL", channel, "DATA", "{\"n\":1}", "IDEMPOTENCY_KEY", keys.get(0)),
                    PYTHON, "python/publisher.py");
            assertEquals(0, again.awaitExit(), again.transcript());
            assertEquals(accepted, new JsonObject(again.out()));
            JsonArray history = new JsonObject(get(base.resolve("/api/v1/channels/" + channel + "/history"),
                    "Bearer " + TestTokens.PUBLISHER_KEY).body()).getJsonArray("notifications");
            assertEquals(1, history.size(), history.encode());
            assertEquals(accepted.getString("id"), history.getJsonObject(0).getString("id"));
        } finally {
            front.stop(0);
        }
    }

    // ---- curl recipes

    @Test
    void curlPublishRecipeAnswers202AndPrintsTheProblemOfABadChannel() {
        requireCurl();
        ExampleProcess ok = curl("publish.sh", "CHANNEL", "team:curl-publish", "EVENT", "order.shipped",
                "DATA", "{\"orderId\":7}", "IDEMPOTENCY_KEY", "curl-publish-1");
        assertEquals(0, ok.awaitExit(), ok.transcript());
        JsonObject accepted = new JsonObject(ok.out());
        assertEquals("team:curl-publish", accepted.getJsonArray("channels").getJsonObject(0).getString("channel"));
        assertEquals(1, offset(accepted));

        ExampleProcess replayed = curl("publish.sh", "CHANNEL", "team:curl-publish", "EVENT", "order.shipped",
                "DATA", "{\"orderId\":7}", "IDEMPOTENCY_KEY", "curl-publish-1");
        assertEquals(0, replayed.awaitExit(), replayed.transcript());
        assertEquals(accepted, new JsonObject(replayed.out()), "same Idempotency-Key: the first result");

        ExampleProcess refused = curl("publish.sh", "CHANNEL", "no spaces");
        assertEquals(22, refused.awaitExit(), refused.transcript());
        JsonObject problem = new JsonObject(refused.out());
        assertEquals(400, problem.getInteger("status"));
        assertTrue(problem.getString("detail").contains("invalid channel name"), problem.encode());
    }

    @Test
    void curlPollRecipeReturnsACursorThenWhatWasPublishedAfterIt() {
        requireCurl();
        String user = "curl-poll";
        String token = token(user);
        JsonObject first = new JsonObject(finish(curl("poll.sh", "TOKEN", token, "CHANNEL", "broadcast")));
        assertEquals(List.of(), first.getJsonArray("notifications").getList());
        String cursor = first.getString("cursor");

        JsonObject one = publish("user:" + user, 1);
        JsonObject two = publish("user:" + user, 2);
        JsonObject answer = new JsonObject(finish(curl("poll.sh", "TOKEN", token, "CHANNEL", "broadcast",
                "CURSOR", cursor)));
        assertEquals(List.of(one.getString("id"), two.getString("id")), ids(answer.getJsonArray("notifications")));
        assertTrue(answer.getBoolean("recovered"));
        assertFalse(answer.getBoolean("more"));

        JsonObject limited = new JsonObject(finish(curl("poll.sh", "TOKEN", token, "CURSOR", cursor, "LIMIT", "1",
                "CHANNEL", "broadcast")));
        assertEquals(List.of(one.getString("id")), ids(limited.getJsonArray("notifications")));
        assertTrue(limited.getBoolean("more"));
    }

    @Test
    void curlLongPollRecipeWaitsUntilANotificationArrives() {
        requireCurl();
        String user = "curl-long-poll";
        String token = token(user);
        String cursor = new JsonObject(finish(curl("poll.sh", "TOKEN", token))).getString("cursor");

        JsonObject idle = new JsonObject(finish(curl("long-poll.sh", "TOKEN", token, "CURSOR", cursor, "TIMEOUT", "1")));
        assertEquals(List.of(), idle.getJsonArray("notifications").getList());
        assertEquals(cursor, idle.getString("cursor"), "nothing arrived: the same cursor");

        try (ExampleProcess waiting = curl("long-poll.sh", "TOKEN", token, "CURSOR", cursor, "TIMEOUT", "30")) {
            waiting.awaitThat("the long-poll is waiting", () -> metrics().contains(
                    "relay_connections{transport=\"long_poll\"} 1.0"));
            assertTrue(waiting.isAlive(), "it waits: nothing was pending");
            JsonObject published = publish("user:" + user, 1);
            assertEquals(0, waiting.awaitExit(), waiting.transcript());
            JsonObject answer = new JsonObject(waiting.out());
            assertEquals(List.of(published.getString("id")), ids(answer.getJsonArray("notifications")));
            assertNotEquals(cursor, answer.getString("cursor"));
        }
    }

    @Test
    void curlSseRecipeStreamsNotificationsAndResumesFromAnEventId() {
        requireCurl();
        String user = "curl-sse";
        String token = token(user);
        String lastEventId;
        try (ExampleProcess stream = curl("sse.sh", "TOKEN", token)) {
            stream.awaitStdout("event: welcome");
            JsonObject published = publish("user:" + user, 1);
            stream.awaitStdout(published.getString("id"));
            List<String> lines = stream.stdout();
            int event = lines.indexOf("event: notification");
            assertTrue(event >= 0, stream.transcript());
            assertTrue(lines.get(event + 1).startsWith("id: "), stream.transcript());
            lastEventId = lines.get(event + 1).substring(4);
            JsonObject data = new JsonObject(lines.get(event + 2).substring("data: ".length()));
            assertEquals(published.getString("id"), data.getString("id"));
            assertEquals(1, data.getLong("offset"));

            // the relay ends the stream: event: close says whether to come back, and curl exits
            finish(curl("disconnect.sh", "USER_ID", user));
            stream.awaitStdout("event: close");
            assertEquals(0, stream.awaitExit(), stream.transcript());
            assertTrue(stream.out().contains("\"code\":4003"), stream.transcript());
        }
        JsonObject missed = publish("user:" + user, 2);
        try (ExampleProcess resumed = curl("sse.sh", "TOKEN", token, "CURSOR", lastEventId)) {
            resumed.awaitStdout(missed.getString("id"));
            assertEquals(1, resumed.stdout().stream().filter("event: notification"::equals).count(),
                    "only what came after the event id: " + resumed.transcript());
        }
    }

    @Test
    void curlWebSocketRecipeShowsTheUpgradeTheWelcomeAndANotification() {
        requireCurl();
        String user = "curl-ws";
        try (ExampleProcess ws = curl("websocket.sh", "TOKEN", token(user), "DURATION", "5")) {
            ws.awaitStdout("\"type\":\"welcome\"");
            JsonObject published = publish("user:" + user, 1);
            assertEquals(0, ws.awaitExit(), ws.transcript());
            String out = ws.out();
            assertTrue(out.startsWith("HTTP/1.1 101"), ws.transcript());
            String headers = out.toLowerCase(java.util.Locale.ROOT);
            // RFC 6455's sample key, so the accept value is the RFC's too
            assertTrue(headers.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), ws.transcript());
            assertTrue(headers.contains("sec-websocket-protocol: relay.v1"), ws.transcript());
            assertTrue(out.contains("\"user\":\"" + user + "\""), ws.transcript());
            assertTrue(out.contains("\"id\":\"" + published.getString("id") + "\""), ws.transcript());
        }
    }

    // ---- helpers

    private static ExampleProcess subscriber(URI relayUri, String token, String auth, String channel, int count) {
        return ExampleProcess.start(subscriberEnv(relayUri, token, auth, channel, count), PYTHON, "python/subscriber.py");
    }

    private static Map<String, String> subscriberEnv(URI relayUri, String token, String auth, String channel, int count) {
        Map<String, String> env = new HashMap<>(Map.of("BASE_URL", url(relayUri), "TOKEN", token, "AUTH", auth,
                "COUNT", Integer.toString(count), "MAX_RETRIES", "20", "MAX_BACKOFF", "1"));
        if (!channel.isEmpty()) {
            env.put("CHANNEL", channel);
        }
        return env;
    }

    private static void awaitWelcomes(ExampleProcess subscriber, int count) {
        subscriber.awaitStderr(count + " welcome(s)", l -> l.startsWith("subscriber: welcome"), count);
    }

    private static ExampleProcess curl(String script, String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("BASE_URL", url(base), "PUBLISHER_KEY", TestTokens.PUBLISHER_KEY,
                "CHANNEL", ""));
        env.putAll(RelayProcess.env(pairs));
        return ExampleProcess.start(env, "sh", "curl/" + script);
    }

    /** Waits for the recipe to succeed; its stdout. */
    private static String finish(ExampleProcess process) {
        try (process) {
            assertEquals(0, process.awaitExit(), process.transcript());
            return process.out();
        }
    }

    private static JsonObject publish(String channel, int n) {
        return publisher.publish(channel, new JsonObject().put("n", n));
    }

    /** Each channel's notifications printed in publish order, each once, and nothing else. */
    private static void assertDeliveredExactly(List<JsonObject> published, List<String> printed) {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (JsonObject p : published) {
            expected.computeIfAbsent(channel(p), c -> new ArrayList<>()).add(p.getString("id"));
        }
        Map<String, List<String>> actual = new LinkedHashMap<>();
        Map<String, Long> lastOffset = new HashMap<>();
        for (String line : printed) {
            JsonObject n = new JsonObject(line);
            assertEquals("notification", n.getString("type"), line);
            String channel = n.getString("channel");
            long previous = lastOffset.getOrDefault(channel, n.getLong("offset") - 1);
            assertEquals(previous + 1, n.getLong("offset"), "no gap, no duplicate on " + channel + ": " + printed);
            lastOffset.put(channel, n.getLong("offset"));
            actual.computeIfAbsent(channel, c -> new ArrayList<>()).add(n.getString("id"));
        }
        assertEquals(expected.keySet(), actual.keySet(), printed.toString());
        expected.forEach((channel, ids) -> assertEquals(ids, actual.get(channel), channel + ": " + printed));
        assertEquals(published.size(), printed.size(), printed.toString());
    }

    private static String channel(JsonObject published) {
        return published.getJsonArray("channels").getJsonObject(0).getString("channel");
    }

    private static long offset(JsonObject published) {
        return Publisher.offset(published);
    }

    private static StreamPosition position(JsonObject published) {
        return new StreamPosition(Publisher.epoch(published), Publisher.offset(published));
    }

    private static Cursor cursorOf(String requestLine) {
        String target = requestLine.split(" ")[1];
        for (String parameter : URI.create(target).getRawQuery().split("&")) {
            if (parameter.startsWith("cursor=")) {
                return Cursor.parse(parameter.substring("cursor=".length()));
            }
        }
        throw new AssertionError("no cursor in " + requestLine);
    }

    private static List<String> ids(JsonArray notifications) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < notifications.size(); i++) {
            ids.add(notifications.getJsonObject(i).getString("id"));
        }
        return ids;
    }

    private static String token(String sub, String... channels) {
        return TestTokens.sign(TestTokens.claims(sub, channels), SECRET);
    }

    private static String url(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static String metrics() throws IOException, InterruptedException {
        return get(base.resolve("/q/metrics"), null).body();
    }

    private static HttpResponse<String> get(URI uri, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void requirePython() {
        if (pythonMissing != null) {
            fail(pythonMissing);
        }
    }

    private static void requireCurl() {
        if (curlMissing != null) {
            fail(curlMissing);
        }
    }

    /** The message when the command cannot run or fails, else null. */
    private static String missing(String message, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
                return null;
            }
            process.destroyForcibly();
            return message;
        } catch (IOException e) {
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return message;
        }
    }
}
