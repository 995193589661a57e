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
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * Load generator for the HTTP fallbacks (run: java bench/FallbackLoad.java ...; see
 * bench/fallback-load.sh and bench/fallback-vs-nchan.sh). Holds N subscribers on one transport
 * (ws, sse, long-poll) of Relay or of Nchan, measures the server at rest (threads, RSS, and for
 * Relay live heap), publishes warm-up rounds, then measured rounds, and reports the server's CPU
 * per delivered notification and the publish-to-receipt latency, checking that every subscriber
 * got every notification once and in order.
 *
 * Shapes: broadcast (every subscriber on one channel, a round is one publish) and per-user (a
 * channel per subscriber, a round is one publish to each). Each notification's data carries its
 * round n and the nanoTime t stamped just before its publish is sent, so both services are read
 * the same way.
 *
 * A load generator, not product code: it signs its HS256 test tokens with javax.crypto and reads
 * the few fields it needs with regular expressions.
 */
public class FallbackLoad {

    static final Pattern ROUND_AND_TIME = Pattern.compile("\"n\":(\\d+),\"t\":(\\d+)");
    static final Pattern CURSOR = Pattern.compile("\"cursor\":\"([A-Za-z0-9_-]+)\"");
    static final Pattern NCHAN_SUBSCRIBERS = Pattern.compile("subscribers: (\\d+)");

    static String url;
    static String service;
    /** Nchan rather than Relay: its own subscribe and publish locations, no tokens, no welcome. */
    static boolean nchan;
    static String mode;
    static boolean perUser;
    static int clients;
    static int warmup;
    static int rounds;
    static double rate;
    static String key;
    static String secret;
    static long[] serverPids;
    static HttpClient http;

    /** One subscriber's view: the next round it expects, and what went wrong. */
    static final class Tally {
        int expected;
        int received;
        int duplicates;
        int gaps;

        synchronized void round(int n, long sentAt) {
            long now = System.nanoTime();
            if (n < expected) {
                duplicates++;
                return;
            }
            if (n > expected) {
                gaps++;
            }
            received++;
            expected = n + 1;
            if (n >= warmup) {
                int slot = latencyCount.getAndIncrement();
                if (slot < latencies.length) {
                    latencies[slot] = now - sentAt;
                }
            }
            delivered.incrementAndGet();
        }

        void frames(String text) {
            Matcher matcher = ROUND_AND_TIME.matcher(text);
            while (matcher.find()) {
                round(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)));
            }
        }
    }

    static final AtomicLong delivered = new AtomicLong();
    static final AtomicInteger ready = new AtomicInteger();
    static final AtomicInteger failures = new AtomicInteger();
    static final List<Tally> tallies = new ArrayList<>();
    static final AtomicInteger latencyCount = new AtomicInteger();
    static long[] latencies;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        url = options.getOrDefault("url", "http://127.0.0.1:18092");
        service = options.getOrDefault("service", "relay");
        mode = options.getOrDefault("mode", "sse");
        perUser = options.getOrDefault("shape", "broadcast").equals("per-user");
        clients = Integer.parseInt(options.getOrDefault("clients", "10000"));
        warmup = Integer.parseInt(options.getOrDefault("warmup", "0"));
        rounds = Integer.parseInt(options.getOrDefault("publishes", "50"));
        rate = Double.parseDouble(options.getOrDefault("rate", "10"));
        key = options.getOrDefault("publisher-key", "bench-publisher-key");
        secret = options.getOrDefault("secret", "bench-secret-0123456789-abcdefghijklmnopq");
        serverPids = Arrays.stream(options.get("server-pids").split(",")).mapToLong(Long::parseLong).toArray();
        if (!service.equals("relay") && !service.equals("nchan")) {
            throw new IllegalArgumentException("service: relay or nchan");
        }
        nchan = service.equals("nchan");
        latencies = new long[clients * rounds];
        // HTTP/1.1 as a browser's EventSource on plain http: java.net.http would otherwise upgrade to h2c with
        // Relay (not with nginx) and multiplex many subscribers on one connection
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(2))
                .connectTimeout(Duration.ofSeconds(30)).build();

        Snapshot empty = Snapshot.take();
        Semaphore inFlight = new Semaphore(200);
        long openStart = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            Tally tally = new Tally();
            tallies.add(tally);
            inFlight.acquire();
            switch (mode) {
                case "ws" -> openWebSocket(i, tally, inFlight);
                case "sse" -> openSse(i, tally, inFlight);
                case "long-poll" -> startLongPoll(i, tally, inFlight);
                default -> throw new IllegalArgumentException("mode: ws, sse or long-poll");
            }
        }
        awaitSubscribers();
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        Thread.sleep(3000);
        Snapshot idle = Snapshot.take();

        publishRounds(0, warmup);
        awaitDelivered((long) clients * warmup);
        System.err.println("measuring");
        long cpuBefore = cpuTicks();
        long started = System.nanoTime();
        publishRounds(warmup, warmup + rounds);
        awaitDelivered((long) clients * (warmup + rounds));
        System.err.println("measured");
        double seconds = (System.nanoTime() - started) / 1e9;
        long cpu = cpuTicks() - cpuBefore;
        long measured = delivered.get() - (long) clients * warmup;

        int missing = 0;
        int duplicates = 0;
        int gaps = 0;
        for (Tally tally : tallies) {
            synchronized (tally) {
                missing += Math.max(0, warmup + rounds - tally.received);
                duplicates += tally.duplicates;
                gaps += tally.gaps;
            }
        }
        long[] sorted = Arrays.copyOf(latencies, Math.min(latencyCount.get(), latencies.length));
        Arrays.sort(sorted);
        double cpuSeconds = cpu / 100.0;
        System.out.printf(
                "{\"service\":\"%s\",\"mode\":\"%s\",\"shape\":\"%s\",\"clients\":%d,\"ready\":%d,\"open_s\":%.1f,\"failures\":%d,"
                        + "\"server_threads_idle\":%d,\"server_rss_mb_empty\":%.1f,\"server_rss_mb_idle\":%.1f,"
                        + "\"heap_kb_per_subscriber\":%.2f,\"rss_kb_per_subscriber\":%.2f,"
                        + "\"warmup_rounds\":%d,\"rounds\":%d,\"delivered\":%d,\"missing\":%d,\"duplicates\":%d,\"gaps\":%d,"
                        + "\"seconds\":%.2f,\"server_cpu_s\":%.2f,\"cpu_us_per_delivery\":%.2f,"
                        + "\"latency_ms_p50\":%.2f,\"latency_ms_p99\":%.2f,\"latency_ms_max\":%.2f}%n",
                service, mode, perUser ? "per-user" : "broadcast", clients, ready.get(), openSeconds, failures.get(),
                idle.threads, empty.rssKb / 1024.0, idle.rssKb / 1024.0,
                (idle.heapKb - empty.heapKb) / (double) clients, (idle.rssKb - empty.rssKb) / (double) clients,
                warmup, rounds, measured, missing, duplicates, gaps, seconds, cpuSeconds, cpuSeconds * 1e6 / Math.max(1, measured),
                percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0));
        System.exit(0);
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    static String sub(int client) {
        return "bench-" + mode + "-" + client;
    }

    /** The channel a client's notifications are published to. */
    static String channel(int client) {
        if (!perUser) {
            return "broadcast";
        }
        return nchan ? "u" + client : "user:" + sub(client);
    }

    /** Where client i subscribes: Relay's endpoint for the mode, or Nchan's one location for all. */
    static URI subscribeUri(int client, String relayPath) {
        if (nchan) {
            return URI.create(url + "/sub/" + channel(client));
        }
        return URI.create(url + relayPath + (perUser ? "" : "?channel=broadcast"));
    }

    static HttpRequest.Builder subscribeRequest(int client, String relayPath) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(subscribeUri(client, relayPath));
        return nchan ? request : request.header("Authorization", "Bearer " + token(sub(client)));
    }

    /**
     * Publishes rounds [from, to): paced at `rate` publishes a second. Broadcast publishes one at a
     * time, so that the channel's order is the order of n even when the generator runs late;
     * per-user, at most 16 in flight (a channel's rounds are seconds apart).
     */
    static void publishRounds(int from, int to) throws Exception {
        int parallel = perUser ? 16 : 1;
        Semaphore inFlight = new Semaphore(parallel);
        long started = System.nanoTime();
        long count = 0;
        for (int n = from; n < to; n++) {
            for (int client = 0; client < (perUser ? clients : 1); client++) {
                long next = started + (long) (TimeUnit.SECONDS.toNanos(count++) / rate);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                inFlight.acquire();
                http.sendAsync(publishRequest(channel(client), n), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                    inFlight.release();
                    if (failure != null || response.statusCode() / 100 != 2) {
                        failures.incrementAndGet();
                        System.err.println("publish failed: " + (failure != null ? failure : response.statusCode() + " " + response.body()));
                    }
                });
            }
        }
        inFlight.acquire(parallel);
    }

    static HttpRequest publishRequest(String channel, int n) {
        String data = "{\"n\":" + n + ",\"t\":" + System.nanoTime() + "}";
        if (nchan) {
            return HttpRequest.newBuilder(URI.create(url + "/pub?channel=" + channel))
                    .POST(HttpRequest.BodyPublishers.ofString(data)).build();
        }
        return HttpRequest.newBuilder(URI.create(url + "/api/v1/notifications"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel + "\",\"event\":\"bench\",\"data\":" + data + "}"))
                .build();
    }

    /** Until every subscriber is waiting: Relay's welcome or first poll, Nchan's own subscriber count. */
    static void awaitSubscribers() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (nchan ? nchanSubscribers() >= clients : ready.get() >= clients) {
                return;
            }
            Thread.sleep(100);
        }
        System.err.println("not every subscriber is ready: " + (nchan ? nchanSubscribers() : ready.get()));
    }

    static int nchanSubscribers() throws Exception {
        String status = http.send(HttpRequest.newBuilder(URI.create(url + "/nchan_status")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = NCHAN_SUBSCRIBERS.matcher(status);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    /** Until `expected` deliveries arrived, or 10 s passed with none. */
    static void awaitDelivered(long expected) throws InterruptedException {
        long last = -1;
        long lastChange = System.nanoTime();
        while (delivered.get() < expected) {
            Thread.sleep(20);
            if (delivered.get() != last) {
                last = delivered.get();
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(10)) {
                return;
            }
        }
    }

    static void openWebSocket(int client, Tally tally, Semaphore inFlight) throws Exception {
        if (nchan) {
            throw new IllegalArgumentException("Nchan's WebSocket is measured by ../shared/wsbench");
        }
        URI uri = URI.create(url.replaceFirst("^http", "ws") + "/ws" + (perUser ? "" : "?channel=broadcast"));
        http.newWebSocketBuilder().header("Authorization", "Bearer " + token(sub(client)))
                .buildAsync(uri, new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();
                    boolean welcomed;

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            if (!welcomed) {
                                welcomed = true;
                                ready.incrementAndGet();
                                inFlight.release();
                            } else {
                                tally.frames(text.toString());
                            }
                            text.setLength(0);
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

    static void openSse(int client, Tally tally, Semaphore inFlight) throws Exception {
        HttpRequest request = subscribeRequest(client, "/api/v1/notifications/stream").header("Accept", "text/event-stream").build();
        http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
            boolean welcomed;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
                if (nchan) {
                    inFlight.release();
                }
            }

            @Override
            public void onNext(String line) {
                if (!line.startsWith("data: ")) {
                    return;
                }
                if (!nchan && !welcomed) {
                    welcomed = true;
                    ready.incrementAndGet();
                    inFlight.release();
                    return;
                }
                tally.frames(line);
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

    /**
     * Relay: a poll for the cursor, then long-polls from it. Nchan: its long-poll from the time the
     * subscriber starts, then from each answer's Last-Modified and Etag. An Nchan long-poll answers
     * nothing until a message comes, so its handshake slot is freed once the request is out.
     */
    static void startLongPoll(int client, Tally tally, Semaphore inFlight) throws Exception {
        if (nchan) {
            Thread.sleep(0, 500_000);
            inFlight.release();
            nchanLongPoll(client, null, null, tally);
            return;
        }
        http.sendAsync(subscribeRequest(client, "/api/v1/notifications").build(), HttpResponse.BodyHandlers.ofString())
                .thenAccept(response -> {
                    Matcher cursor = CURSOR.matcher(response.body());
                    cursor.find();
                    ready.incrementAndGet();
                    inFlight.release();
                    relayLongPoll(client, cursor.group(1), tally);
                }).exceptionally(failure -> {
                    failures.incrementAndGet();
                    inFlight.release();
                    return null;
                });
    }

    static void relayLongPoll(int client, String cursor, Tally tally) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/notifications/long-poll?timeout=60&cursor=" + cursor))
                    .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + token(sub(client))).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
                tally.frames(response.body());
                Matcher next = CURSOR.matcher(response.body());
                if (response.statusCode() == 200 && next.find()) {
                    relayLongPoll(client, next.group(1), tally);
                } else {
                    failures.incrementAndGet();
                }
            }).exceptionally(failure -> {
                failures.incrementAndGet();
                return null;
            });
        } catch (Exception e) {
            failures.incrementAndGet();
        }
    }

    static void nchanLongPoll(int client, String lastModified, String etag, Tally tally) {
        HttpRequest.Builder request = HttpRequest.newBuilder(subscribeUri(client, null)).timeout(Duration.ofSeconds(90));
        if (lastModified != null) {
            request.header("If-Modified-Since", lastModified).header("If-None-Match", etag);
        }
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
            if (response.statusCode() == 200) {
                tally.frames(response.body());
            } else if (response.statusCode() != 304 && response.statusCode() != 408) {
                failures.incrementAndGet();
                return;
            }
            nchanLongPoll(client, response.headers().firstValue("Last-Modified").orElse(lastModified),
                    response.headers().firstValue("Etag").orElse(etag), tally);
        }).exceptionally(failure -> {
            failures.incrementAndGet();
            return null;
        });
    }

    /** Each subscriber's token, made once: a client presents the same token on every request until it refreshes it. */
    static final Map<String, String> tokens = new ConcurrentHashMap<>();

    static String token(String sub) {
        return tokens.computeIfAbsent(sub, s -> {
            try {
                return sign(s);
            } catch (Exception e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        });
    }

    static String sign(String sub) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 3600)
                + "}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = b64.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
        return header + "." + payload + "." + signature;
    }

    /** CPU ticks (1/100 s) of the server's processes: Relay's JVM, or nginx's master and workers. */
    static long cpuTicks() throws Exception {
        long ticks = 0;
        for (long pid : serverPids) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return ticks;
    }

    /** The server at one moment: threads, resident memory and, for Relay's JVM, live heap after a full GC. */
    record Snapshot(int threads, long rssKb, long heapKb) {
        static Snapshot take() throws Exception {
            long heap = 0;
            if (!nchan) {
                String pid = Long.toString(serverPids[0]);
                new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
                Thread.sleep(500);
                String[] gc = new String(new ProcessBuilder("jstat", "-gc", pid).redirectErrorStream(true).start()
                        .getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).findFirst().orElseThrow()
                        .trim().split("\\s+");
                // survivors, eden and old generation in use (KB), as bench/idle-connections.sh reads them
                heap = (long) (Double.parseDouble(gc[2]) + Double.parseDouble(gc[3]) + Double.parseDouble(gc[5])
                        + Double.parseDouble(gc[7]));
            }
            int threads = 0;
            long rss = 0;
            for (long pid : serverPids) {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("Threads:")) {
                        threads += Integer.parseInt(line.split("\\s+")[1]);
                    } else if (line.startsWith("VmRSS:")) {
                        rss += Long.parseLong(line.split("\\s+")[1]);
                    }
                }
            }
            return new Snapshot(threads, rss, heap);
        }
    }
}
