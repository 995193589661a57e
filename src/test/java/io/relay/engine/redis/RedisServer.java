package io.relay.engine.redis;

import io.relay.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} (the Debian package; {@code ./test.sh} installs it) on a free port, for
 * one test class: no persistence, so a restart loses everything, as a crashed cache would.
 */
public final class RedisServer implements AutoCloseable {

    /** Starts that lose the race for their port (released by {@link #freePort} and bound later) are tried again. */
    private static final int BIND_ATTEMPTS = 3;

    private final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    public static RedisServer start() throws IOException {
        for (int attempt = 1;; attempt++) {
            RedisServer server = new RedisServer(FreePorts.next());
            try {
                server.launch();
                return server;
            } catch (IOException lost) {
                if (attempt == BIND_ATTEMPTS) {
                    throw lost;
                }
            }
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server (SIGKILL: no save, no goodbye to clients). */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** Starts it again on the same port, empty. */
    public void launch() throws IOException {
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "no"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("redis-server is not installed: apt-get install redis-server, or run ./test.sh", e);
        }
        Process started = process;
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !started.isAlive() || answersPing());
        } catch (ConditionTimeoutException silent) {
            started.destroyForcibly();
            throw new IOException("redis-server did not answer PING on port " + port + " within 10 s");
        }
        if (!started.isAlive()) {
            throw new IOException("redis-server did not start on port " + port + " (taken meanwhile? is the package installed?)");
        }
    }


    /** Sends one command (inline protocol); returns a status or integer reply, or a bulk reply's text. */
    public String command(String... words) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((String.join(" ", words) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            String first = readLine(in);
            if (!first.startsWith("$")) {
                return first;
            }
            byte[] bulk = in.readNBytes(Integer.parseInt(first.substring(1)));
            return new String(bulk, StandardCharsets.UTF_8);
        }
    }

    private static String readLine(java.io.DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private boolean answersPing() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
