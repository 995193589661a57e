package io.relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The browser client (clients/js): its unit tests on node's test runner, the demo page end to end in
 * headless Chromium (Debian's, driven by playwright-core) against the packaged jar (WebSocket with
 * cookie auth, SSE and long-polling fallbacks, restarts on the memory and Redis engines), and a page on
 * another origin than the relay reaching it through a proxy the test controls (fallbacks across
 * origins, one connection whatever the order of calls). Needs node, chromium, redis-server and
 * {@code npm ci} in clients/js ({@code ./test.sh} installs them).
 */
// longer than the node runs' own bounds, which stop them and report their output
@Timeout(value = 330, unit = TimeUnit.SECONDS)
class BrowserClientIT {

    private static final Path SCREENSHOT = Path.of("target/e2e/demo.png");

    @Test
    void clientUnitTestsPass() throws Exception {
        Run run = run(List.of("node", "--test", "clients/js/test/"), 120);
        assertEquals(0, run.exitCode(), run.output());
    }

    @Test
    void theDemoPageReceivesNotificationsOverEveryTransportInARealBrowser() throws Exception {
        assertTrue(Files.isDirectory(Path.of("clients/js/node_modules/playwright-core")),
                "run npm ci in clients/js first (./test.sh does)");
        Files.deleteIfExists(SCREENSHOT);
        Run run = run(List.of("node", "clients/js/e2e/demo.mjs", SCREENSHOT.toString()), 300);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(Files.size(SCREENSHOT) > 0, "the screenshot is kept as a test artifact");
    }

    @Test
    void aPageOnAnotherOriginFallsBackThroughAProxyAndHoldsOneConnection() throws Exception {
        assertTrue(Files.isDirectory(Path.of("clients/js/node_modules/playwright-core")),
                "run npm ci in clients/js first (./test.sh does)");
        Run run = run(List.of("node", "clients/js/e2e/cross-origin.mjs"), 300);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("ok subscribe then connect"), run.output());
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(List<String> command, int seconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("relay-node", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_") || k.startsWith("QUARKUS_"));
            Process process = builder.start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "timed out\n" + Files.readString(log));
            }
            return new Run(process.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
