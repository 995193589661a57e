package io.relay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** The packaged application as a separate process, as an operator runs it. For {@code *IT} tests. */
public final class RelayProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Starts that lose the race for their port (released by {@link #freePort} and bound later) are tried again. */
    private static final int BIND_ATTEMPTS = 3;

    private final Map<String, String> env;
    private final Path log;
    private volatile int port;
    private Process process;

    private RelayProcess(Map<String, String> env, int port, Path log) {
        this.env = env;
        this.port = port;
        this.log = log;
    }

    /** Starts the jar with only these RELAY_/QUARKUS_ variables (and the port, on 127.0.0.1, and no warm-up unless they say). */
    public static RelayProcess start(Map<String, String> env) throws IOException {
        RelayProcess relay = new RelayProcess(env, FreePorts.next(), Files.createTempFile("relay-it", ".log"));
        relay.launch();
        return relay;
    }

    public void launch() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_") || k.startsWith("QUARKUS_"));
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // each start would take the warm-up's seconds; PackagedAppIT turns it on where it is the subject
        builder.environment().put("RELAY_WARM_UP_ENABLED", "false");
        builder.environment().putAll(env);
        process = builder.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public Process process() {
        return process;
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    /**
     * Waits until {@code /q/health/ready} answers 200. A process that exits because another took its
     * port meanwhile is started again on another free port.
     */
    public RelayProcess awaitReady() throws IOException {
        for (int attempt = 1;; attempt++) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !process.isAlive() || readiness() == 200);
            if (process.isAlive()) {
                return this;
            }
            String output = output();
            if (attempt == BIND_ATTEMPTS || !(output.contains("already bound") || output.contains("Address already in use"))) {
                throw new AssertionError("the relay exited with " + process.exitValue() + " before it was ready:\n" + output);
            }
            port = FreePorts.next();
            launch();
        }
    }

    public int readiness() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base().resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** SIGKILL: no shutdown at all, as a crashed node. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit by itself; its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the process did not exit");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }

    public static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

}
