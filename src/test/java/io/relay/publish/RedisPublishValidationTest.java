package io.relay.publish;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.publish.PublishEndpointTest.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.engine.redis.RedisEngineProfile;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/** On the Redis engine too, a body that is not valid Unicode text is refused and writes no key. */
@QuarkusTest
@TestProfile(RedisEngineProfile.class)
class RedisPublishValidationTest {

    private static final String URL = "/api/v1/notifications";

    @Inject
    Redis redis;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.relay.publish.PublishParserTest#invalidUtf8Bodies")
    void refusesBytesThatAreNotUtf8AndWritesNothing(String where, byte[] body) throws Exception {
        refusesAndWritesNothing(body);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"\\ud800\"", "{\"\\udc00\":1}" })
    void refusesEscapesOfUnpairedSurrogatesAndWritesNothing(String data) throws Exception {
        refusesAndWritesNothing(("{\"channel\":\"x\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8));
    }

    private void refusesAndWritesNothing(byte[] body) throws Exception {
        long keys = keyCount();
        problem(publisher().body(body).post(URL).then(), 400);
        assertEquals(keys, keyCount());
    }

    private long keyCount() throws Exception {
        return redis.send(Request.cmd(Command.DBSIZE)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).toLong();
    }
}
