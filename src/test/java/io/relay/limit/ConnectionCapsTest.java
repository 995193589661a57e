package io.relay.limit;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.TestTokens;
import io.relay.auth.Subscriber;

/**
 * The connection caps hold under concurrent handshakes on every transport: 50 at once against a cap of
 * 5 (per replica) or 3 (per user) admit exactly that many, and every slot comes back when its connection
 * ends (checked after each test).
 */
@QuarkusTest
@TestProfile(ConnectionCapsTest.SmallCaps.class)
class ConnectionCapsTest {

    private static final int AT_ONCE = 50;
    private static final int MAX_CONNECTIONS = 5;
    private static final int MAX_PER_USER = 3;
    private static final Duration WAIT = Duration.ofSeconds(20);

    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.limits.max-connections", Integer.toString(MAX_CONNECTIONS),
                    "relay.limits.max-connections-per-user", Integer.toString(MAX_PER_USER));
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    ConnectionSlots slots;

    @Inject
    Limits limits;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable connection : open) {
            connection.close();
        }
        open.clear();
        await().atMost(WAIT).until(() -> slots.connections() == 0);
    }

    @Test
    void concurrentAdmissionsTakeNoMoreSlotsThanTheCap() throws Exception {
        List<Callable<ConnectionSlots.Slot>> admissions = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            Subscriber subscriber = new Subscriber(unique("admitted-"), List.of(), null);
            admissions.add(() -> limits.admitSubscriber(subscriber));
        }
        ExecutorService threads = Executors.newFixedThreadPool(AT_ONCE);
        List<ConnectionSlots.Slot> admitted = new ArrayList<>();
        try {
            // all at once, as handshakes on every event loop: none has a session yet when the others are checked
            for (Future<ConnectionSlots.Slot> admission : threads.invokeAll(admissions)) {
                try {
                    admitted.add(admission.get());
                } catch (ExecutionException refused) {
                    assertEquals(Limit.CONNECTIONS, ((LimitExceededException) refused.getCause()).limit());
                }
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(MAX_CONNECTIONS, admitted.size());
        admitted.forEach(ConnectionSlots.Slot::release);
    }

    @Test
    void concurrentWebSocketHandshakesStayWithinTheReplicaCap() {
        assertEquals(MAX_CONNECTIONS, webSockets(i -> TestTokens.valid(unique("ws-cap-"))));
        assertEquals(MAX_CONNECTIONS, slots.connections(), "open WebSockets keep their slots");
    }

    @Test
    void concurrentWebSocketHandshakesStayWithinTheUserCap() {
        String user = unique("ws-user-cap-");
        assertEquals(MAX_PER_USER, webSockets(i -> TestTokens.valid(user)));
    }

    @Test
    void concurrentSseHandshakesStayWithinTheReplicaCap() {
        assertEquals(MAX_CONNECTIONS, streams("/api/v1/notifications/stream", i -> TestTokens.valid(unique("sse-cap-"))));
        assertEquals(MAX_CONNECTIONS, slots.connections(), "open streams keep their slots");
    }

    @Test
    void concurrentLongPollsStayWithinTheUserCap() {
        String user = unique("lp-user-cap-");
        assertEquals(MAX_PER_USER, streams("/api/v1/notifications/long-poll?timeout=3", i -> TestTokens.valid(user)));
    }

    @Test
    void aRefusedHandshakeGivesItsSlotBack() {
        String user = unique("refused-");
        for (int i = 0; i < MAX_PER_USER * 3; i++) {
            given().header("Authorization", "Bearer " + TestTokens.valid(user)).queryParam("channel", "team:not-granted")
                    .get("/api/v1/notifications").then().statusCode(403);
        }
        assertEquals(0, slots.connections());
        assertEquals(MAX_PER_USER, webSockets(i -> TestTokens.valid(user)));
    }

    /** Opens {@value #AT_ONCE} WebSockets at once; returns how many were upgraded (the others must get 429). */
    private int webSockets(IntFunction<String> token) {
        URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws");
        List<CompletableFuture<WebSocket>> handshakes = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            handshakes.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + token.apply(i))
                    .buildAsync(uri, new WebSocket.Listener() { }));
        }
        int upgraded = 0;
        for (CompletableFuture<WebSocket> handshake : handshakes) {
            try {
                WebSocket socket = handshake.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
                open.add(() -> socket.abort());
                upgraded++;
            } catch (CompletionException refused) {
                assertEquals(429, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
            }
        }
        return upgraded;
    }

    /** Starts {@value #AT_ONCE} SSE streams or long-polls at once; returns how many were admitted (the others must get 429). */
    private int streams(String path, IntFunction<String> token) {
        List<CompletableFuture<HttpResponse<InputStream>>> requests = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token.apply(i))
                    .build();
            requests.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()));
        }
        int admitted = 0;
        for (CompletableFuture<HttpResponse<InputStream>> request : requests) {
            HttpResponse<InputStream> response = request.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            if (response.statusCode() == 429) {
                continue;
            }
            assertEquals(200, response.statusCode());
            open.add(response.body());
            admitted++;
        }
        return admitted;
    }
}
