package io.relay.transport.sse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.vertx.core.json.JsonObject;

/**
 * A streaming SSE reader over a real HTTP connection (JDK HttpClient), parsing events as
 * EventSource does: {@code event}, {@code id}, {@code data} fields, a blank line ends an event,
 * lines starting with {@code :} are comments.
 */
public final class SseTestClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Marks the end of the stream in the queue. */
    private static final Event END = new Event("<end>", null, null);

    public record Event(String event, String id, String data) {
        public JsonObject json() {
            return new JsonObject(data);
        }
    }

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final Thread reader;
    private volatile boolean ended;

    private SseTestClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseTestClient open(URI base, String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<Stream<String>> response = HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (response.statusCode() != 200) {
            throw new AssertionError("stream refused with " + response.statusCode() + ": "
                    + String.join("\n", response.body().toList()));
        }
        return new SseTestClient(response);
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    /** The next event of any type. */
    public Event next() throws InterruptedException {
        Event event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no SSE event within " + WAIT);
        }
        if (event == END) {
            throw new AssertionError("the stream ended");
        }
        return event;
    }

    /** The next event within {@code wait}, or null when none came; the stream must not have ended. */
    public Event poll(Duration wait) throws InterruptedException {
        Event event = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (event == END) {
            throw new AssertionError("the stream ended");
        }
        return event;
    }

    public Event next(String type) throws InterruptedException {
        Event event = next();
        if (!type.equals(event.event())) {
            throw new AssertionError("expected event " + type + ", got " + event);
        }
        return event;
    }

    public List<Event> notifications(int count) throws InterruptedException {
        List<Event> received = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            received.add(next("notification"));
        }
        return received;
    }

    /** Waits for the server to end the stream; the events before the end must all have been taken. */
    public void awaitEnd() throws InterruptedException {
        Event event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (event != END) {
            throw new AssertionError("expected the end of the stream, got " + event);
        }
    }

    public boolean ended() {
        return ended;
    }

    public int comments() {
        return comments.get();
    }

    private void read() {
        String event = "message";
        String id = null;
        StringBuilder data = null;
        try {
            Iterator<String> lines = response.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(event, id, data.toString()));
                    }
                    event = "message";
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
                }
            }
        } catch (RuntimeException closed) {
            // the test closed the stream
        } finally {
            ended = true;
            events.add(END);
        }
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
