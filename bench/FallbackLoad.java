import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load generator for Relay's subscriber transports (run: java bench/FallbackLoad.java ...; see
 * bench/fallback-load.sh). Holds N subscribers of one channel on one transport (ws, sse,
 * long-poll), measures the server process at rest (threads, RSS, live heap), then publishes P
 * broadcasts and measures the server's CPU per delivered notification, checking that every
 * subscriber got every notification once and in order.
 *
 * A load generator, not product code: it signs its HS256 test tokens with javax.crypto and reads
 * the few JSON fields it needs with regular expressions.
 */
public class FallbackLoad {

    static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");
    static final Pattern CURSOR = Pattern.compile("\"cursor\":\"([A-Za-z0-9_-]+)\"");
    static final Pattern TYPE_NOTIFICATION = Pattern.compile("^\\{\"type\":\"notification\"");

    static String url;
    static String mode;
    static int clients;
    static int publishes;
    static int rate;
    static String key;
    static String secret;
    static long serverPid;
    static String channel;
    static HttpClient http;

    /** One subscriber's view: the next offset it expects, and what went wrong. */
    static final class Tally {
        long expected = -1;
        int received;
        int duplicates;
        int gaps;

        synchronized void offset(long offset) {
            if (expected == -1) {
                expected = firstOffset.get();
            }
            if (offset < expected) {
                duplicates++;
                return;
            }
            if (offset > expected) {
                gaps++;
            }
            received++;
            expected = offset + 1;
            delivered.incrementAndGet();
        }
    }

    static final AtomicLong firstOffset = new AtomicLong(-1);
    static final AtomicLong delivered = new AtomicLong();
    static final AtomicInteger ready = new AtomicInteger();
    static final AtomicInteger failures = new AtomicInteger();
    static final List<Tally> tallies = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        url = options.getOrDefault("url", "http://127.0.0.1:18092");
        mode = options.getOrDefault("mode", "sse");
        clients = Integer.parseInt(options.getOrDefault("clients", "10000"));
        publishes = Integer.parseInt(options.getOrDefault("publishes", "50"));
        rate = Integer.parseInt(options.getOrDefault("rate", "10"));
        key = options.getOrDefault("publisher-key", "bench-publisher-key");
        secret = options.getOrDefault("secret", "bench-secret-0123456789-abcdefghijklmnopq");
        serverPid = Long.parseLong(options.get("server-pid"));
        channel = options.getOrDefault("channel", "broadcast");
        http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).connectTimeout(Duration.ofSeconds(30)).build();

        Snapshot empty = Snapshot.take();
        Semaphore inFlight = new Semaphore(200);
        long openStart = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            Tally tally = new Tally();
            tallies.add(tally);
            inFlight.acquire();
            String token = token("bench-" + mode + "-" + i);
            switch (mode) {
                case "ws" -> openWebSocket(token, tally, inFlight);
                case "sse" -> openSse(token, tally, inFlight);
                case "long-poll" -> startLongPoll(token, tally, inFlight);
                default -> throw new IllegalArgumentException("mode: ws, sse or long-poll");
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (ready.get() < clients && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        Thread.sleep(3000);
        Snapshot idle = Snapshot.take();

        firstOffset.set(currentOffset() + 1);
        long cpuBefore = cpuTicks();
        long started = System.nanoTime();
        for (int p = 0; p < publishes; p++) {
            String body = "{\"channel\":\"" + channel + "\",\"event\":\"bench\",\"data\":{\"n\":" + p + "}}";
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/notifications"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("publish answered " + response.statusCode() + " " + response.body());
            }
            long next = started + TimeUnit.SECONDS.toNanos(p + 1) / rate;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        long expected = (long) clients * publishes;
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long last = -1;
        long lastChange = System.nanoTime();
        while (delivered.get() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(50);
            if (delivered.get() != last) {
                last = delivered.get();
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(10)) {
                break;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long cpu = cpuTicks() - cpuBefore;
        long clk = 100;
        int missing = 0;
        int duplicates = 0;
        int gaps = 0;
        for (Tally tally : tallies) {
            synchronized (tally) {
                missing += Math.max(0, publishes - tally.received);
                duplicates += tally.duplicates;
                gaps += tally.gaps;
            }
        }
        double cpuSeconds = (double) cpu / clk;
        System.out.printf(
                "{\"mode\":\"%s\",\"clients\":%d,\"ready\":%d,\"open_s\":%.1f,\"failures\":%d,"
                        + "\"server_threads_empty\":%d,\"server_threads_idle\":%d,"
                        + "\"server_rss_mb_empty\":%.1f,\"server_rss_mb_idle\":%.1f,"
                        + "\"server_heap_mb_empty\":%.1f,\"server_heap_mb_idle\":%.1f,"
                        + "\"heap_kb_per_subscriber\":%.2f,\"rss_kb_per_subscriber\":%.2f,"
                        + "\"publishes\":%d,\"delivered\":%d,\"expected\":%d,\"missing\":%d,\"duplicates\":%d,\"gaps\":%d,"
                        + "\"seconds\":%.2f,\"server_cpu_s\":%.2f,\"server_cpu_us_per_delivery\":%.2f}%n",
                mode, clients, ready.get(), openSeconds, failures.get(), empty.threads, idle.threads,
                empty.rssKb / 1024.0, idle.rssKb / 1024.0, empty.heapKb / 1024.0, idle.heapKb / 1024.0,
                (idle.heapKb - empty.heapKb) / (double) clients, (idle.rssKb - empty.rssKb) / (double) clients,
                publishes, delivered.get(), expected, missing, duplicates, gaps, seconds, cpuSeconds,
                cpuSeconds * 1e6 / Math.max(1, delivered.get()));
        System.exit(0);
    }

    static void openWebSocket(String token, Tally tally, Semaphore inFlight) {
        http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(URI.create(url.replaceFirst("^http", "ws") + "/ws?channel=" + channel), new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();
                    boolean welcomed;

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            String frame = text.toString();
                            text.setLength(0);
                            if (!welcomed) {
                                welcomed = true;
                                ready.incrementAndGet();
                                inFlight.release();
                            } else if (TYPE_NOTIFICATION.matcher(frame).find()) {
                                Matcher offset = OFFSET.matcher(frame);
                                if (offset.find()) {
                                    tally.offset(Long.parseLong(offset.group(1)));
                                }
                            }
                        }
                        socket.request(1);
                        return null;
                    }
                }).exceptionally(failure -> {
                    failures.incrementAndGet();
                    inFlight.release();
                    return null;
                });
    }

    static void openSse(String token, Tally tally, Semaphore inFlight) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/notifications/stream?channel=" + channel))
                .header("Authorization", "Bearer " + token).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
            Flow.Subscription subscription;
            boolean welcomed;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                this.subscription = subscription;
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                if (!line.startsWith("data: ")) {
                    return;
                }
                if (!welcomed) {
                    welcomed = true;
                    ready.incrementAndGet();
                    inFlight.release();
                    return;
                }
                Matcher offset = OFFSET.matcher(line);
                if (offset.find()) {
                    tally.offset(Long.parseLong(offset.group(1)));
                }
            }

            @Override
            public void onError(Throwable failure) {
                failures.incrementAndGet();
            }

            @Override
            public void onComplete() {
            }
        })).exceptionally(failure -> {
            failures.incrementAndGet();
            inFlight.release();
            return null;
        });
    }

    static void startLongPoll(String token, Tally tally, Semaphore inFlight) {
        HttpRequest first = HttpRequest.newBuilder(URI.create(url + "/api/v1/notifications?channel=" + channel))
                .header("Authorization", "Bearer " + token).build();
        http.sendAsync(first, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
            Matcher cursor = CURSOR.matcher(response.body());
            cursor.find();
            ready.incrementAndGet();
            inFlight.release();
            longPoll(token, cursor.group(1), tally);
        }).exceptionally(failure -> {
            failures.incrementAndGet();
            inFlight.release();
            return null;
        });
    }

    static void longPoll(String token, String cursor, Tally tally) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/notifications/long-poll?timeout=60&cursor="
                + cursor)).timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + token).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
            String body = response.body();
            Matcher offsets = OFFSET.matcher(body);
            while (offsets.find()) {
                tally.offset(Long.parseLong(offsets.group(1)));
            }
            Matcher next = CURSOR.matcher(body);
            if (response.statusCode() == 200 && next.find()) {
                longPoll(token, next.group(1), tally);
            } else {
                failures.incrementAndGet();
            }
        }).exceptionally(failure -> {
            failures.incrementAndGet();
            return null;
        });
    }

    /** The channel's latest offset, read from the cursor a poll answers (its encoding is in docs/protocol.md). */
    static long currentOffset() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/notifications?channel="
                + channel)).header("Authorization", "Bearer " + token("bench-probe")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher cursor = CURSOR.matcher(response.body());
        cursor.find();
        String text = new String(Base64.getUrlDecoder().decode(cursor.group(1)), StandardCharsets.US_ASCII);
        for (String line : text.split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length == 3 && fields[0].equals(channel)) {
                return Long.parseLong(fields[2]);
            }
        }
        throw new IllegalStateException("no position for " + channel + " in " + text);
    }

    static String token(String sub) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 3600)
                + "}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = b64.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
        return header + "." + payload + "." + signature;
    }

    static long cpuTicks() throws Exception {
        String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The server at one moment: threads, resident memory and live heap (after a full GC). */
    record Snapshot(int threads, long rssKb, long heapKb) {
        static Snapshot take() throws Exception {
            new ProcessBuilder("jcmd", Long.toString(serverPid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            Thread.sleep(500);
            String[] gc = new String(new ProcessBuilder("jstat", "-gc", Long.toString(serverPid))
                    .redirectErrorStream(true).start().getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().skip(1).findFirst().orElseThrow().trim().split("\\s+");
            // survivors, eden and old generation in use (KB), as bench/idle-connections.sh reads them
            long heap = (long) (Double.parseDouble(gc[2]) + Double.parseDouble(gc[3]) + Double.parseDouble(gc[5])
                    + Double.parseDouble(gc[7]));
            int threads = 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.split("\\s+")[1]);
                } else if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.split("\\s+")[1]);
                }
            }
            return new Snapshot(threads, rss, heap);
        }
    }
}
