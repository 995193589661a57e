package io.relay.examples;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.core.ConditionTimeoutException;

/**
 * One example (a Python script or a curl recipe) run as a child process, its stdout and stderr
 * collected line by line on their own threads so the test thread can wait on them.
 */
final class ExampleProcess implements AutoCloseable {

    static final Path EXAMPLES = Path.of("examples").toAbsolutePath();
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The examples' own settings: none leaks in from the environment the build runs in. */
    private static final List<String> SETTINGS = List.of("BASE_URL", "TOKEN", "TOKEN_FILE", "CHANNEL", "CURSOR",
            "PUBLISHER_KEY", "EVENT", "DATA", "IDEMPOTENCY_KEY", "COUNT", "AUTH", "COOKIE_NAME", "ORIGIN", "LIMIT",
            "TIMEOUT", "DURATION", "USER_ID", "HEARTBEAT", "BACKOFF", "MAX_BACKOFF", "MAX_RETRIES", "ATTEMPTS");

    private final String name;
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread[] readers;
    /** What stdout has written after its last newline (e.g. a WebSocket frame, which ends with none). */
    private volatile String partial = "";

    private ExampleProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.readers = new Thread[] {reader(process.getInputStream(), stdout), reader(process.getErrorStream(), stderr)};
    }

    static ExampleProcess start(Map<String, String> env, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(EXAMPLES.toFile());
        builder.environment().keySet().removeIf(SETTINGS::contains);
        builder.environment().putAll(env);
        try {
            return new ExampleProcess(String.join(" ", command), builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + String.join(" ", command), e);
        }
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    /** All of stdout so far, the unfinished last line included. */
    String out() {
        String tail = partial;
        return String.join("\n", stdout) + (tail.isEmpty() ? "" : "\n" + tail);
    }

    long stderrCount(Predicate<String> line) {
        return stderr.stream().filter(line).count();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits, at most {@link #WAIT}, until stdout has at least this many lines; the lines. */
    List<String> awaitStdoutLines(int count) {
        awaitThat("stdout has " + count + " lines", () -> stdout.size() >= count);
        return stdout();
    }

    void awaitStdout(String text) {
        awaitThat("stdout contains " + text, () -> out().contains(text));
    }

    void awaitStderr(String what, Predicate<String> line, long count) {
        awaitThat(what, () -> stderrCount(line) >= count);
    }

    /** Waits for the process to end by itself, and for its output to be read; its exit code. */
    int awaitExit() {
        try {
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not exit within " + WAIT + "\n" + transcript());
            }
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    void awaitThat(String what, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await(what).atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + ": " + what + " did not happen within " + WAIT + "\n" + transcript(), e);
        }
    }

    String transcript() {
        return "--- stdout of " + name + "\n" + out() + "\n--- stderr\n" + String.join("\n", stderr)
                + (process.isAlive() ? "\n--- (still running)" : "\n--- exit " + process.exitValue());
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Reads as it arrives: complete lines to {@code lines}, an unfinished last line to {@link #partial}. */
    private Thread reader(InputStream stream, List<String> lines) {
        boolean isStdout = lines == stdout;
        Thread thread = new Thread(() -> {
            StringBuilder line = new StringBuilder();
            char[] buffer = new char[8192];
            try (InputStreamReader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                for (int read = reader.read(buffer); read != -1; read = reader.read(buffer)) {
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == '\n') {
                            lines.add(line.toString());
                            line.setLength(0);
                        } else {
                            line.append(buffer[i]);
                        }
                    }
                    if (isStdout) {
                        partial = line.toString();
                    }
                }
            } catch (IOException closed) {
                // the process is gone
            }
            if (!line.isEmpty()) {
                lines.add(line.toString());
            }
            if (isStdout) {
                partial = "";
            }
        }, "example-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
