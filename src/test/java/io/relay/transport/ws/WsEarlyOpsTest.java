package io.relay.transport.ws;

import static io.relay.RelayTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.TestTokens;
import io.relay.engine.redis.RedisEngineProfile;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Ops a client sends as soon as its upgrade is answered wait for the welcome, then are answered in
 * order. Redis is paused here so that the welcome, which needs the channel's position from Redis,
 * comes seconds after the upgrade.
 */
@QuarkusTest
@TestProfile(RedisEngineProfile.class)
class WsEarlyOpsTest {

    private static final byte[] PING = RawPeer.frame(0x81, "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8), true);
    private static final int OPS = 64;

    @TestHTTPResource("/")
    URI base;

    @Inject
    Redis redis;

    @AfterEach
    void redisAnswersAgain() throws Exception {
        // a paused Redis answers once its pause ends: no test leaves it paused for the next
        redis.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    @Test
    void opsSentBeforeTheWelcomeAreAnsweredAfterItInOrder() throws Exception {
        redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg("2000").arg("ALL"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (RawPeer peer = RawPeer.connect(base, TestTokens.valid(unique("early-")))) {
            byte[][] pings = new byte[OPS][];
            Arrays.fill(pings, PING);
            peer.send(pings);
            assertEquals("welcome", new JsonObject(peer.read(0x1).text()).getString("type"));
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < OPS; i++) {
                JsonObject answer = new JsonObject(peer.read(0x1).text());
                answers.add(answer.getString("type") + (answer.containsKey("code") ? ":" + answer.getString("code") : ""));
            }
            // the op budget (relay.limits.ws-op-rate) answers the ops past it with rate_limited
            assertEquals("pong", answers.get(0), answers.toString());
            assertTrue(answers.stream().allMatch(answer -> answer.equals("pong") || answer.equals("error:rate_limited")), answers.toString());
        }
    }
}
