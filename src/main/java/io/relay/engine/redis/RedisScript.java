package io.relay.engine.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** A Lua script from {@code src/main/resources/redis/}, run by its SHA and loaded on first use. */
public final class RedisScript {

    private final String source;
    private final String sha;

    public RedisScript(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream("/redis/" + resource)) {
            this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Uni<Response> run(Redis redis, List<String> keys, List<String> args) {
        return Uni.createFrom().completionStage(() -> call(redis, keys, args).toCompletionStage());
    }

    /** Runs the script by its SHA, and by its source when Redis does not know it yet. */
    Future<Response> call(Redis redis, List<String> keys, List<String> args) {
        return redis.send(request(Command.EVALSHA, sha, keys, args)).recover(failure -> isNoScript(failure)
                ? redis.send(request(Command.EVAL, source, keys, args))
                : Future.failedFuture(failure));
    }

    private static Request request(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    /** Sends one command; the Uni sends it when subscribed to. */
    public static Uni<Response> send(Redis redis, Request request) {
        return Uni.createFrom().completionStage(() -> redis.send(request).toCompletionStage());
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }
}
