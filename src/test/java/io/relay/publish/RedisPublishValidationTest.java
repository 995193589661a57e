package io.relay.publish;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.publish.PublishEndpointTest.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.engine.redis.RedisServer;

/** On the Redis engine too, a body that is not valid Unicode text is refused and writes no key. */
@QuarkusTest
@TestProfile(RedisPublishValidationTest.RedisEngine.class)
class RedisPublishValidationTest {

    private static final String URL = "/api/v1/notifications";

    public static class RedisEngine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.engine", "redis");
        }

        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(Redis.class));
        }
    }

    /** One redis-server for this class. */
    public static class Redis implements QuarkusTestResourceLifecycleManager {
        static RedisServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = RedisServer.start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("quarkus.redis.hosts", server.url());
        }

        @Override
        public void stop() {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.relay.publish.PublishParserTest#invalidUtf8Bodies")
    void refusesBytesThatAreNotUtf8AndWritesNothing(String where, byte[] body) throws IOException {
        refusesAndWritesNothing(body);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"\\ud800\"", "{\"\\udc00\":1}" })
    void refusesEscapesOfUnpairedSurrogatesAndWritesNothing(String data) throws IOException {
        refusesAndWritesNothing(("{\"channel\":\"x\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static void refusesAndWritesNothing(byte[] body) throws IOException {
        String keys = Redis.server.command("DBSIZE");
        problem(publisher().body(body).post(URL).then(), 400);
        assertEquals(keys, Redis.server.command("DBSIZE"));
    }
}
