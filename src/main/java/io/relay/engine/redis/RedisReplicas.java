package io.relay.engine.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relay.channel.ChannelName;
import io.relay.engine.EngineHealth;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.LocalSubscribers;
import io.relay.engine.PresenceInfo;
import io.relay.engine.Replicas;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The replicas sharing one Redis. Each announces itself in a sorted set every heartbeat (score: when
 * it stops counting, 3 heartbeats later). A presence or disconnect request goes to every replica
 * over Pub/Sub; each answers with its own share on the requester's reply channel, and the requester
 * sums the answers of every live replica, or of those that answered within the request timeout. A
 * replica that died answers nothing and drops out of the set within 3 heartbeats.
 */
public final class RedisReplicas implements Replicas, EngineHealth, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisReplicas.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String REGISTRY = "relay:replicas";
    static final String CONTROL = "relay:control";
    private static final String REPLY_PREFIX = "relay:reply:";

    private final String id = UUID.randomUUID().toString();
    private final Redis redis;
    private final RedisFanout fanout;
    private final LocalSubscribers local;
    private final Vertx vertx;
    private final Duration heartbeat;
    private final Duration requestTimeout;
    private final Map<String, Collector> pending = new ConcurrentHashMap<>();
    private final long heartbeatTimer;
    private final Uni<Void> listening;

    public RedisReplicas(Redis redis, RedisFanout fanout, LocalSubscribers local, Vertx vertx, Duration heartbeat,
            Duration requestTimeout) {
        this.redis = redis;
        this.fanout = fanout;
        this.local = local;
        this.vertx = vertx;
        this.heartbeat = heartbeat;
        this.requestTimeout = requestTimeout;
        this.listening = fanout.listen(CONTROL, this::onRequest)
                .chain(() -> fanout.listen(REPLY_PREFIX + id, this::onReply))
                .memoize().until(() -> !fanout.isConnected());
        // answer other replicas from the start (a failure here is retried by the fan-out's reconnect)
        listening.subscribe().with(ok -> {
        }, failure -> LOG.warnf("not yet listening to other replicas: %s", failure.toString()));
        this.heartbeatTimer = vertx.setPeriodic(1, heartbeat.toMillis(), t -> announce());
    }

    @Override
    public Uni<PresenceInfo> presence(ChannelName channel) {
        return request("presence", channel.value()).map(answers -> {
            int connections = 0;
            TreeSet<String> users = new TreeSet<>();
            for (JsonNode answer : answers) {
                connections += answer.path("connections").asInt();
                answer.path("users").forEach(user -> users.add(user.asText()));
            }
            return new PresenceInfo(channel, connections, users);
        });
    }

    @Override
    public Uni<Integer> disconnect(String userId) {
        return request("disconnect", userId)
                .map(answers -> answers.stream().mapToInt(answer -> answer.path("closed").asInt()).sum());
    }

    @Override
    public Uni<Boolean> isReachable() {
        return RedisScript.send(redis, Request.cmd(Command.PING)).map(pong -> true)
                .ifNoItem().after(Duration.ofSeconds(1)).recoverWithItem(false)
                .onFailure().recoverWithItem(false);
    }

    /** Asks every live replica (this one included) and collects their answers. */
    private Uni<List<JsonNode>> request(String op, String argument) {
        String requestId = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        return listening
                .chain(() -> RedisScript.send(redis, Request.cmd(Command.ZRANGEBYSCORE).arg(REGISTRY).arg(now).arg("+inf")))
                .chain(live -> {
                    Set<String> expected = new HashSet<>();
                    live.forEach(member -> expected.add(member.toString()));
                    expected.add(id);
                    String message = JSON.createObjectNode().put("op", op).put("arg", argument).put("req", requestId)
                            .put("from", id).toString();
                    return Uni.createFrom().<List<JsonNode>>emitter(emitter -> {
                        pending.put(requestId, new Collector(expected, emitter));
                        RedisScript.send(redis, Request.cmd(Command.PUBLISH).arg(CONTROL).arg(message))
                                .subscribe().with(sent -> {
                                }, emitter::fail);
                    }).ifNoItem().after(requestTimeout).recoverWithItem(() -> collected(requestId));
                })
                .eventually(() -> pending.remove(requestId))
                .onFailure().transform(failure -> failure instanceof EngineUnavailableException ? failure
                        : RedisFailures.unavailable(failure));
    }

    private List<JsonNode> collected(String requestId) {
        Collector collector = pending.get(requestId);
        return collector == null ? List.of() : collector.answers();
    }

    private void onRequest(String text) {
        try {
            JsonNode request = JSON.readTree(text);
            String op = request.path("op").asText();
            ObjectNode answer = JSON.createObjectNode().put("req", request.path("req").asText()).put("replica", id);
            if (op.equals("presence")) {
                PresenceInfo info = local.presence(ChannelName.of(request.path("arg").asText()));
                answer.put("connections", info.connections());
                info.users().forEach(answer.putArray("users")::add);
            } else if (op.equals("disconnect")) {
                answer.put("closed", local.disconnect(request.path("arg").asText()));
            } else {
                return;
            }
            RedisScript.send(redis, Request.cmd(Command.PUBLISH).arg(REPLY_PREFIX + request.path("from").asText())
                    .arg(answer.toString())).subscribe().with(sent -> {
                    }, failure -> LOG.debugf("could not answer a control request: %s", failure.toString()));
        } catch (Exception e) {
            LOG.warnf("ignored an unreadable control request: %s", e.toString());
        }
    }

    private void onReply(String text) {
        try {
            JsonNode answer = JSON.readTree(text);
            Collector collector = pending.get(answer.path("req").asText());
            if (collector != null) {
                collector.add(answer.path("replica").asText(), answer);
            }
        } catch (Exception e) {
            LOG.warnf("ignored an unreadable control answer: %s", e.toString());
        }
    }

    private void announce() {
        long now = System.currentTimeMillis();
        Request add = Request.cmd(Command.ZADD).arg(REGISTRY).arg(now + 3 * heartbeat.toMillis()).arg(id);
        Request prune = Request.cmd(Command.ZREMRANGEBYSCORE).arg(REGISTRY).arg("-inf").arg(now);
        redis.batch(List.of(add, prune)).onFailure(failure -> LOG.debugf("heartbeat failed: %s", failure.toString()));
    }

    /** Leaves the set of replicas at once (shutdown), so no request waits for this one any more. */
    public void leave() {
        vertx.cancelTimer(heartbeatTimer);
        RedisScript.send(redis, Request.cmd(Command.ZREM).arg(REGISTRY).arg(id))
                .ifNoItem().after(Duration.ofSeconds(1)).recoverWithItem((Response) null)
                .onFailure().recoverWithNull().await().indefinitely();
    }

    @Override
    public void close() {
        vertx.cancelTimer(heartbeatTimer);
    }

    /** The answers to one request, complete once every expected replica answered. */
    private static final class Collector {
        private final Set<String> expected;
        private final UniEmitter<? super List<JsonNode>> emitter;
        private final Map<String, JsonNode> answers = new ConcurrentHashMap<>();

        Collector(Set<String> expected, UniEmitter<? super List<JsonNode>> emitter) {
            this.expected = expected;
            this.emitter = emitter;
        }

        void add(String replica, JsonNode answer) {
            answers.put(replica, answer);
            if (answers.keySet().containsAll(expected)) {
                emitter.complete(answers());
            }
        }

        List<JsonNode> answers() {
            return List.copyOf(answers.values());
        }
    }
}
