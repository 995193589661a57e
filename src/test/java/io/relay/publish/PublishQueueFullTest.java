package io.relay.publish;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.publish.PublishEndpointTest.problem;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.Metrics;
import io.relay.engine.redis.RedisTestResource;
import io.restassured.response.Response;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Redis stalls (its clients' writes paused) while publishers keep publishing: past one publish
 * waiting per event loop, each is refused at once with 503 and Retry-After, counted, and not published.
 */
@QuarkusTest
@TestProfile(PublishQueueFullTest.OnePendingPublish.class)
class PublishQueueFullTest {

    private static final int PUBLISHES = 12;

    public static class OnePendingPublish implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.redis.max-pending-publishes", "1");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RedisTestResource.class));
        }
    }

    @Inject
    Redis redis;

    @Test
    void aPublishOverTheBoundIsRefusedWith503AndRetryAfterAndNothingPublished() throws Exception {
        String body = "{\"channel\":\"stalled\",\"data\":1}";
        publisher().body(body).post("/api/v1/notifications").then().statusCode(202);
        send(Request.cmd(Command.CLIENT).arg("PAUSE").arg("20000").arg("WRITE"));
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHES);
        try {
            List<CompletableFuture<Response>> answers = IntStream.range(0, PUBLISHES)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> publisher().body(body).post("/api/v1/notifications"), publishers))
                    .toList();
            // every event loop holds one publish while Redis is paused: the others are answered at once
            await().atMost(Duration.ofSeconds(10)).until(() -> answers.stream().anyMatch(CompletableFuture::isDone));
            Response refused = answers.stream().filter(CompletableFuture::isDone).findFirst().orElseThrow().join();
            problem(refused.then(), 503).header("Retry-After", "1");

            send(Request.cmd(Command.CLIENT).arg("UNPAUSE"));
            List<Integer> statuses = answers.stream().map(answer -> answer.orTimeout(20, TimeUnit.SECONDS).join().statusCode()).toList();
            long accepted = statuses.stream().filter(status -> status == 202).count();
            long refusedCount = statuses.stream().filter(status -> status == 503).count();
            assertEquals(PUBLISHES, accepted + refusedCount, statuses.toString());
            assertEquals(refusedCount, (long) Metrics.sum("relay_limited_total{limit=\"publish_queue\"}"));
            assertEquals(1 + accepted, send(Request.cmd(Command.XLEN).arg("relay:ch:{stalled}:stream")).toLong());
        } finally {
            send(Request.cmd(Command.CLIENT).arg("UNPAUSE"));
            publishers.shutdownNow();
        }
    }

    private io.vertx.redis.client.Response send(Request request) throws Exception {
        return redis.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
