package io.relay.transport.sse;

import static io.relay.RelayTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

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
 * An SSE reader that stops reading gets the WebSocket rule: once its buffer is full the relay ends
 * its stream, and resuming over SSE from the last event it had loses nothing and repeats nothing.
 */
@QuarkusTest
@TestProfile(LargeHistoryProfile.class)
class SseSlowReaderTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aReaderThatStopsReadingIsEndedAndResumesOverSseWithoutLoss() throws Exception {
        String user = unique("sse-slow-");
        String channel = "user:" + user;
        String token = TestTokens.valid(user);
        double closesBefore = Metrics.sum("relay_slow_consumer_closes_total");
        Publisher publisher = new Publisher(base);
        String pad = "x".repeat(60_000);
        int published = 0;
        Received received;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8192);
            socket.setSoTimeout((int) Duration.ofSeconds(2).toMillis());
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1/notifications/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertTrue(new String(in.readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            // then reads nothing more while the relay is sent more than its buffers hold (the counter only paces this)
            while (published < 900 && Metrics.sum("relay_slow_consumer_closes_total") == closesBefore) {
                publisher.publish(channel, new JsonObject().put("pad", pad));
                published++;
            }
            // what this reader was sent, up to the end of its own stream, which must come within 10 s
            received = Received.untilClosed(in, System.nanoTime() + Duration.ofSeconds(10).toNanos());
        }
        assertTrue(received.offsets().size() < published, "ended before it was given everything: " + received.offsets().size());
        assertEquals(LongStream.rangeClosed(1, received.offsets().size()).boxed().toList(), received.offsets());
        assertTrue(Metrics.sum("relay_slow_consumer_closes_total") > closesBefore);

        try (SseTestClient resumed = SseTestClient.open(base, "/api/v1/notifications/stream",
                "Authorization", "Bearer " + token, "Last-Event-ID", received.lastId())) {
            assertTrue(resumed.next("welcome").json().getJsonArray("channels").getJsonObject(0).getBoolean("recovered"));
            int rest = published - received.offsets().size();
            assertEquals(LongStream.rangeClosed(received.offsets().size() + 1, published).boxed().toList(),
                    resumed.notifications(rest).stream().map(event -> event.json().getLong("offset")).toList());
            assertNull(resumed.poll(Duration.ofMillis(300)), "nothing twice");
        }
    }

    /** The notifications of a raw SSE response: their offsets, and the id (cursor) of the last whole one. */
    private record Received(List<Long> offsets, String lastId) {

        /**
         * Reads the headers, then the chunked body until the relay closes the connection. Heartbeats
         * would keep a stream that is never ended alive: the deadline is checked at every chunk.
         */
        static Received untilClosed(InputStream in, long deadline) throws IOException {
            while (!line(in).isEmpty()) {
                // the rest of the response's headers
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try {
                for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the relay did not end the stream of a reader that stopped reading");
                    }
                    body.write(in.readNBytes(size));
                    line(in);
                }
            } catch (EOFException | SocketException cut) {
                // the relay closed the connection mid-chunk: only the whole events count
            }
            List<Long> offsets = new ArrayList<>();
            String lastId = null;
            String text = body.toString(StandardCharsets.UTF_8);
            for (String event : text.substring(0, text.lastIndexOf("\n\n") + 1).split("\n\n")) {
                if (event.startsWith("event: notification\n")) {
                    String id = event.lines().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow().substring(4);
                    String data = event.lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6);
                    offsets.add(new JsonObject(data).getLong("offset"));
                    lastId = id;
                }
            }
            return new Received(offsets, lastId);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("the relay closed the stream");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }
}
