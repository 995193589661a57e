package io.relay.transport.sse;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.LargeHistoryProfile;
import io.relay.Metrics;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.vertx.core.json.JsonObject;

/**
 * An SSE reader that stops reading gets the WebSocket rule: once its buffer is full the stream ends,
 * and resuming from the cursor it had loses nothing.
 */
@QuarkusTest
@TestProfile(LargeHistoryProfile.class)
class SseSlowReaderTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aReaderThatStopsReadingIsEndedAndResumesWithoutLoss() throws Exception {
        String user = unique("sse-slow-");
        String channel = "user:" + user;
        double closesBefore = Metrics.sum("relay_slow_consumer_closes_total");
        Publisher publisher = new Publisher(base);
        String pad = "x".repeat(60_000);
        String start = given().header("Authorization", "Bearer " + TestTokens.valid(user)).get("/api/v1/notifications")
                .then().statusCode(200).extract().path("cursor");
        int published = 0;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8192);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1/notifications/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + TestTokens.valid(user) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertTrue(new String(in.readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            // then reads nothing more
            while (published < 900 && Metrics.sum("relay_slow_consumer_closes_total") == closesBefore) {
                publisher.publish(channel, new JsonObject().put("pad", pad));
                published++;
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.sum("relay_slow_consumer_closes_total") > closesBefore);
        }
        List<Integer> offsets = given().header("Authorization", "Bearer " + TestTokens.valid(user))
                .queryParam("cursor", start).queryParam("limit", 1000).get("/api/v1/notifications")
                .then().statusCode(200).extract().path("notifications.offset");
        assertEquals(published, offsets.size());
        for (int i = 0; i < published; i++) {
            assertEquals(i + 1, offsets.get(i));
        }
    }
}
