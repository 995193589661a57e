package io.relay.inbox.redis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relay.engine.redis.RedisFailures;
import io.relay.engine.redis.RedisFanout;
import io.relay.engine.redis.RedisScript;
import io.relay.inbox.InboxChange;
import io.relay.inbox.InboxCounts;
import io.relay.inbox.InboxEntry;
import io.relay.inbox.InboxEvent;
import io.relay.inbox.InboxFilter;
import io.relay.inbox.InboxItem;
import io.relay.inbox.InboxItemNotFoundException;
import io.relay.inbox.InboxListener;
import io.relay.inbox.InboxMark;
import io.relay.inbox.InboxPage;
import io.relay.inbox.InboxStore;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Inboxes in Redis, shared by every replica. Each user's keys share the hash tag {@code {user}} and
 * change only in {@code inbox.lua}, one atomic call per user and operation, which keeps the counts as
 * sorted sets of the items they count (exact by construction) and drops expired items before anything
 * else; the keys expire with the user's last item. Which users hold a notification is kept apart,
 * for recalls, and may name users who no longer hold it.
 */
public final class RedisInboxStore implements InboxStore {

    private static final RedisScript INBOX = new RedisScript("inbox.lua");
    /**
     * Users one store call takes: a publish to 1,000 users is 10 calls, each short enough (about a
     * millisecond of Redis) not to hold up other clients.
     */
    private static final int USERS_PER_STORE = 100;
    private static final int KEYS_PER_USER = 9;
    /** Calls of one store or recall in flight at once. */
    private static final int STORE_CONCURRENCY = 16;
    private static final int NOT_HELD = -1;
    private static final int HEADER = 3;

    /** Where {@code inbox.lua} publishes every change (the script names it too). */
    static final String CHANGES = "relay:inbox-changes";
    private static final Logger LOG = Logger.getLogger(RedisInboxStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Redis redis;
    private final RedisFanout fanout;
    private final Clock clock;
    private final int maxItems;

    public RedisInboxStore(Redis redis, RedisFanout fanout, Clock clock, int maxItems) {
        this.redis = redis;
        this.fanout = fanout;
        this.clock = clock;
        this.maxItems = maxItems;
    }

    static List<String> keys(String user) {
        String prefix = "relay:inbox:{" + user + "}:";
        return List.of(prefix + "items", prefix + "flags", prefix + "order", prefix + "unread", prefix + "active",
                prefix + "read", prefix + "archived", prefix + "expires", prefix + "seq");
    }

    static String holders(String id) {
        return "relay:inbox-holders:{" + id + "}";
    }

    /** One script call per {@value #USERS_PER_STORE} users, a few in flight at once. */
    @Override
    public Uni<Void> dropExpired(List<String> users) {
        if (users.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> args = List.of("expire", Long.toString(clock.millis()));
        return inFlight(byChunk(users).stream().map(chunk -> run(keysOf(chunk), args)).toList()).replaceWithVoid();
    }

    /** One script call per {@value #USERS_PER_STORE} users, a few in flight at once. */
    @Override
    public Uni<Integer> store(List<String> users, InboxEntry entry) {
        if (users.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<String> args = List.of("store", Long.toString(clock.millis()), entry.id(),
                Long.toString(entry.expiresAt().toEpochMilli()), InboxItemBody.encode(entry), Integer.toString(maxItems));
        return inFlight(byChunk(users).stream().map(chunk -> run(keysOf(chunk), args).map(reply -> {
            List<String> stored = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                if (reply.get(i).toInteger() == 1) {
                    stored.add(chunk.get(i));
                }
            }
            return stored;
        })).toList()).chain(stored -> remember(entry, stored.stream().flatMap(List::stream).toList()));
    }

    /** The users, {@value #USERS_PER_STORE} at a time, in order. */
    private static List<List<String>> byChunk(List<String> users) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < users.size(); from += USERS_PER_STORE) {
            chunks.add(users.subList(from, Math.min(users.size(), from + USERS_PER_STORE)));
        }
        return chunks;
    }

    /** The keys of each user, one after the other, as {@code inbox.lua} takes several users. */
    private static List<String> keysOf(List<String> users) {
        List<String> keys = new ArrayList<>(users.size() * KEYS_PER_USER);
        users.forEach(user -> keys.addAll(keys(user)));
        return keys;
    }

    /** The calls of one operation, {@value #STORE_CONCURRENCY} in flight at once; the first failure fails it. */
    private static <T> Uni<List<T>> inFlight(List<Uni<T>> calls) {
        return Uni.join().all(calls).usingConcurrencyOf(STORE_CONCURRENCY).andFailFast();
    }

    /** Notes who holds the notification, until it expires, so that a recall finds them. */
    private Uni<Integer> remember(InboxEntry entry, List<String> stored) {
        if (stored.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Request add = Request.cmd(Command.SADD).arg(holders(entry.id()));
        stored.forEach(add::arg);
        long ttl = Math.max(1, entry.expiresAt().toEpochMilli() - clock.millis());
        Request expire = Request.cmd(Command.PEXPIRE).arg(holders(entry.id())).arg(ttl);
        return Uni.createFrom().completionStage(() -> redis.batch(List.of(add, expire)).toCompletionStage())
                .onFailure().transform(RedisFailures::unavailable)
                .replaceWith(stored.size());
    }

    @Override
    public Uni<InboxPage> list(String user, InboxFilter filter, int limit, String before) {
        return call(user, "list", filter.name().toLowerCase(Locale.ROOT), Integer.toString(limit),
                before == null ? "" : before).map(reply -> {
                    if (reply.get(0).toInteger() == NOT_HELD) {
                        throw InboxStore.beforeNotHeld();
                    }
                    String next = reply.get(2).toString();
                    return new InboxPage(items(reply, HEADER), counts(reply), next.isEmpty() ? null : next);
                });
    }

    @Override
    public Uni<InboxCounts> counts(String user) {
        return call(user, "counts").map(RedisInboxStore::counts);
    }

    @Override
    public Uni<InboxChange> update(String user, String id, Boolean read, Boolean archived) {
        return call(user, "update", id, flag(read), flag(archived)).map(reply -> {
            if (reply.get(0).toInteger() == NOT_HELD) {
                throw new InboxItemNotFoundException(id);
            }
            return new InboxChange(items(reply, 2), counts(reply));
        });
    }

    @Override
    public Uni<InboxChange> mark(String user, InboxMark mark) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(mark.flag() == InboxMark.Flag.READ ? InboxItemBody.READ : InboxItemBody.ARCHIVED));
        args.add(mark.value() ? "1" : "0");
        if (!mark.all()) {
            args.addAll(mark.ids());
        }
        return call(user, "mark", args.toArray(String[]::new)).map(reply -> new InboxChange(items(reply, 2), counts(reply)));
    }

    @Override
    public Uni<InboxCounts> delete(String user, String id) {
        return call(user, "delete", id).map(reply -> {
            if (reply.get(0).toInteger() == NOT_HELD) {
                throw new InboxItemNotFoundException(id);
            }
            return counts(reply);
        });
    }

    @Override
    public Uni<List<String>> recall(String id) {
        return RedisScript.send(redis, Request.cmd(Command.SMEMBERS).arg(holders(id)))
                .onFailure().transform(RedisFailures::unavailable)
                .chain(members -> {
                    List<Uni<String>> removals = new ArrayList<>();
                    for (Response member : members) {
                        String user = member.toString();
                        removals.add(call(user, "delete", id).map(reply -> reply.get(0).toInteger() == NOT_HELD ? null : user));
                    }
                    if (removals.isEmpty()) {
                        return Uni.createFrom().item(List.<String>of());
                    }
                    return inFlight(removals).map(users -> users.stream().filter(user -> user != null).toList());
                });
    }

    @Override
    public Uni<Void> delivered(String user, List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return call(user, "delivered", ids.toArray(String[]::new)).replaceWithVoid();
    }

    @Override
    public Uni<Void> retell(String user) {
        return call(user, "retell").replaceWithVoid();
    }

    /** Listens on this replica's Pub/Sub connection, which subscribes again after every reconnect. */
    @Override
    public Uni<Void> listen(InboxListener listener) {
        return fanout.listen(CHANGES, text -> {
            List<InboxEvent> events;
            try {
                events = events(text);
            } catch (RuntimeException unreadable) {
                LOG.warnf("dropped an unreadable inbox change: %s", unreadable.toString());
                return;
            }
            events.forEach(listener::onInboxEvent);
        });
    }

    /**
     * The events of a message as {@code inbox.lua} published it: one change of one user, or a store's
     * item added to several users (each with the ids it pushed out of their inbox, told first).
     */
    static List<InboxEvent> events(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        InboxEvent.Change change = InboxEvent.Change.valueOf(message.get("change").textValue());
        List<InboxItem> items = new ArrayList<>();
        if (change != InboxEvent.Change.removed) {
            for (JsonNode item : message.get("items")) {
                items.add(InboxItemBody.decode(item.get(0).textValue(), item.get(1).intValue(), item.get(2).textValue()));
            }
        }
        if (!message.has("users")) {
            InboxCounts after = counts(message.get("counts"), 0);
            String user = message.get("user").textValue();
            return List.of(change == InboxEvent.Change.removed ? InboxEvent.removed(user, texts(message.get("ids")), after)
                    : new InboxEvent(user, change, items, List.of(), after));
        }
        List<InboxEvent> events = new ArrayList<>();
        for (JsonNode told : message.get("users")) {
            String user = told.get(0).textValue();
            InboxCounts after = counts(told, 1);
            if (told.has(3)) {
                events.add(InboxEvent.removed(user, texts(told.get(3)), after));
            }
            events.add(new InboxEvent(user, change, items, List.of(), after));
        }
        return events;
    }

    private static InboxCounts counts(JsonNode array, int from) {
        return new InboxCounts(array.get(from).intValue(), array.get(from + 1).intValue());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>(array.size());
        array.forEach(text -> texts.add(text.textValue()));
        return texts;
    }

    private Uni<Response> call(String user, String op, String... args) {
        List<String> argv = new ArrayList<>(args.length + 2);
        argv.add(op);
        argv.add(Long.toString(clock.millis()));
        argv.addAll(List.of(args));
        return run(keys(user), argv);
    }

    private Uni<Response> run(List<String> keys, List<String> args) {
        return INBOX.run(redis, keys, args).onFailure().transform(RedisFailures::unavailable);
    }

    private static String flag(Boolean value) {
        return value == null ? "" : value ? "1" : "0";
    }

    private static InboxCounts counts(Response reply) {
        return new InboxCounts(reply.get(0).toInteger(), reply.get(1).toInteger());
    }

    /** The items of a reply from {@code from} on, three elements each: id, flags, body. */
    private static List<InboxItem> items(Response reply, int from) {
        List<InboxItem> items = new ArrayList<>((reply.size() - from) / 3);
        for (int i = from; i + 3 <= reply.size(); i += 3) {
            items.add(InboxItemBody.decode(reply.get(i).toString(), reply.get(i + 1).toInteger(), reply.get(i + 2).toString()));
        }
        return items;
    }

}
