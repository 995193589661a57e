package io.relay.subscribe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import jakarta.inject.Singleton;

import io.netty.channel.EventLoop;
import io.relay.RelayConfig;
import io.relay.auth.AccessDeniedException;
import io.relay.auth.Subscriber;
import io.relay.channel.ChannelAccess;
import io.relay.channel.ChannelName;
import io.relay.channel.Cursor;
import io.relay.engine.Broker;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.History;
import io.relay.engine.HistoryPage;
import io.relay.engine.Notification;
import io.relay.inbox.InboxCounts;
import io.relay.inbox.InboxStore;
import io.relay.metrics.RelayMetrics;
import io.smallrye.mutiny.Uni;

/**
 * The one subscription service every transport uses: opens and closes sessions, authorises and
 * starts subscriptions (with resume), and reaches sessions by user. Methods taking a {@link Session}
 * must be called on that session's event loop.
 */
@Singleton
public class SubscriptionService {

    private final Hub hub;
    private final RelayMetrics metrics;
    private final Broker broker;
    private final History history;
    private final ChannelAccess access;
    private final InboxStore inbox;
    private final Clock clock;
    private final int historySize;
    private final int maxChannels;
    /** Set once by the shutdown thread, read by every handshake: from then on new subscribers are refused. */
    private volatile boolean closing;

    public SubscriptionService(Hub hub, Broker broker, History history, InboxStore inbox, RelayConfig config,
            RelayMetrics metrics, Clock clock) {
        this.inbox = inbox;
        this.metrics = metrics;
        this.clock = clock;
        this.hub = hub;
        this.broker = broker;
        this.history = history;
        this.access = new ChannelAccess(config.channels().publicPatterns());
        this.historySize = config.history().size();
        this.maxChannels = config.limits().channelsPerConnection();
    }

    /**
     * Opens a session on the caller's event loop. {@code maxPending} bounds what it buffers while a
     * resume reads history; the session is closed with {@link CloseCode#TOKEN_EXPIRED} when the
     * subscriber's token expires.
     */
    public Session open(Subscriber subscriber, EventLoop eventLoop, Outbound outbound, int maxPending) {
        Session session = new Session(subscriber, eventLoop, outbound, maxPending, clock);
        hub.register(session);
        scheduleExpiry(session);
        return session;
    }

    /**
     * The channels a new session starts with, each checked: the personal channel, the requested ones,
     * then those of the cursor, each resuming from the cursor's position when it names one. Throws
     * {@link AccessDeniedException} for a channel the subscriber may not read and
     * {@link SubscribeException} when there are too many.
     */
    public List<ChannelRequest> initialChannels(Subscriber subscriber, List<ChannelName> requested, Cursor cursor) {
        Set<ChannelName> channels = new LinkedHashSet<>();
        channels.add(subscriber.personalChannel());
        channels.addAll(requested);
        if (cursor != null) {
            channels.addAll(cursor.positions().keySet());
        }
        if (channels.size() > maxChannels) {
            throw tooManyChannels();
        }
        List<ChannelRequest> requests = new ArrayList<>(channels.size());
        for (ChannelName channel : channels) {
            authorize(subscriber, channel);
            requests.add(new ChannelRequest(channel, cursor == null ? null : cursor.positions().get(channel)));
        }
        return requests;
    }

    public void authorize(Subscriber subscriber, ChannelName channel) {
        if (!access.canRead(subscriber.userId(), subscriber.grants(), channel)) {
            throw AccessDeniedException.channel(channel.value());
        }
    }

    /**
     * Subscribes the session to each channel, replaying from each request's position. Once history
     * is read, on the session's loop: {@code announce} gets the starts (the transport writes its
     * subscribed frame), then each replay is written, then live delivery begins. The
     * returned Uni completes after that; it fails with {@link SubscribeException} for a channel the
     * session already has or one too many, and with the engine's error when history cannot be read
     * (the subscriptions are then withdrawn).
     */
    public Uni<List<SubscriptionStart>> subscribe(Session session, List<ChannelRequest> requests,
            Consumer<List<SubscriptionStart>> announce) {
        return subscribe(session, requests, historySize, Uni.createFrom().item(InboxCounts.EMPTY),
                (starts, counts) -> announce.accept(starts));
    }

    /**
     * A session's first subscribe: as {@link #subscribe}, and its user's inbox counts, read after the
     * session was registered, so that any inbox change after the read reaches it as an event.
     */
    public Uni<List<SubscriptionStart>> start(Session session, List<ChannelRequest> requests, Consumer<Welcome> welcome) {
        return start(session, requests, historySize, welcome);
    }

    /** As above, replaying at most {@code replayLimit} notifications per channel (a poll's answer holds no more). */
    public Uni<List<SubscriptionStart>> start(Session session, List<ChannelRequest> requests, int replayLimit,
            Consumer<Welcome> welcome) {
        return subscribe(session, requests, replayLimit, inbox.counts(session.subscriber().userId()),
                (starts, counts) -> {
                    // changes that came meanwhile follow the welcome: the last of them is what the connection keeps
                    if (session.inboxCounts() == null) {
                        session.inboxCounts(counts);
                    }
                    welcome.accept(new Welcome(starts, counts));
                });
    }

    private Uni<List<SubscriptionStart>> subscribe(Session session, List<ChannelRequest> requests, int replayLimit,
            Uni<InboxCounts> counts, BiConsumer<List<SubscriptionStart>, InboxCounts> announce) {
        try {
            check(session, requests);
        } catch (RuntimeException refused) {
            return Uni.createFrom().failure(refused);
        }
        List<Subscription> added = new ArrayList<>(requests.size());
        List<Uni<HistoryPage>> reads = new ArrayList<>(requests.size());
        for (ChannelRequest request : requests) {
            Subscription subscription = new Subscription(session, request.channel());
            session.subscriptions().put(request.channel(), subscription);
            hub.add(subscription);
            added.add(subscription);
            reads.add(broker.subscribe(request.channel())
                    .chain(() -> history.read(request.channel(), request.since(), replayLimit)));
        }
        return Uni.combine().all().unis(Uni.join().all(reads).andFailFast(), counts).asTuple()
                .emitOn(session.eventLoop())
                .map(read -> start(session, added, read.getItem1(), read.getItem2(), announce))
                .onFailure().call(failure -> Uni.createFrom().voidItem().emitOn(session.eventLoop())
                        .invoke(() -> added.forEach(s -> withdraw(session, s))))
                .onFailure(EngineUnavailableException.class).invoke(() -> metrics.engineError("subscribe"));
    }

    private void check(Session session, List<ChannelRequest> requests) {
        for (ChannelRequest request : requests) {
            authorize(session.subscriber(), request.channel());
            if (session.isSubscribed(request.channel())) {
                throw new SubscribeException("already_subscribed", "already subscribed to " + request.channel());
            }
        }
        if (session.subscriptions().size() + requests.size() > maxChannels) {
            throw tooManyChannels();
        }
    }

    private SubscribeException tooManyChannels() {
        return new SubscribeException("bad_request", "at most " + maxChannels + " channels per connection");
    }

    /** Announces the subscriptions still wanted (an unsubscribe may have come while history was read), then starts them. */
    private List<SubscriptionStart> start(Session session, List<Subscription> added, List<HistoryPage> pages,
            InboxCounts counts, BiConsumer<List<SubscriptionStart>, InboxCounts> announce) {
        List<SubscriptionStart> starts = new ArrayList<>(added.size());
        for (int i = 0; i < added.size(); i++) {
            if (!added.get(i).isClosed()) {
                HistoryPage page = pages.get(i);
                List<Notification> replay = page.notifications();
                starts.add(new SubscriptionStart(added.get(i).channel(), page.latest(), page.recovered(),
                        page.more() ? replay.get(replay.size() - 1).position() : null));
            }
        }
        if (session.isClosed()) {
            return starts;
        }
        announce.accept(starts, counts);
        for (int i = 0; i < added.size(); i++) {
            added.get(i).goLive(pages.get(i).notifications(), pages.get(i).latest());
        }
        return starts;
    }

    /** False when the session was not subscribed to the channel. */
    public boolean unsubscribe(Session session, ChannelName channel) {
        Subscription subscription = session.subscriptions().get(channel);
        if (subscription == null) {
            return false;
        }
        withdraw(session, subscription);
        return true;
    }

    private void withdraw(Session session, Subscription subscription) {
        if (subscription.isClosed()) {
            return;
        }
        session.subscriptions().remove(subscription.channel(), subscription);
        subscription.close();
        hub.remove(subscription);
        broker.unsubscribe(subscription.channel());
    }

    /**
     * Replaces the session's token (same user). Returns the channels the new token no longer grants;
     * they have been unsubscribed.
     */
    public List<ChannelName> refresh(Session session, Subscriber refreshed) {
        if (!refreshed.userId().equals(session.subscriber().userId())) {
            throw new AccessDeniedException(AccessDeniedException.Reason.refresh_sub, "a refreshed token must have the same sub");
        }
        session.subscriber(refreshed);
        scheduleExpiry(session);
        List<ChannelName> dropped = new ArrayList<>();
        for (ChannelName channel : List.copyOf(session.subscriptions().keySet())) {
            if (!access.canRead(refreshed.userId(), refreshed.grants(), channel)) {
                unsubscribe(session, channel);
                dropped.add(channel);
            }
        }
        return dropped;
    }

    /** Releases everything the session holds. Idempotent. */
    public void close(Session session) {
        if (session.isClosed()) {
            return;
        }
        session.markClosed();
        session.expiry(null);
        for (Subscription subscription : List.copyOf(session.subscriptions().values())) {
            withdraw(session, subscription);
        }
        hub.unregister(session);
    }

    /** Closes every session (shutdown) and refuses new ones from now on; returns how many there were. */
    public int closeAll(CloseCode code) {
        closing = true;
        return hub.closeAll(code);
    }

    /** Whether new subscribers are refused (503): the replica is closing the ones it has. */
    public boolean isClosing() {
        return closing;
    }

    public int sessionCount() {
        return hub.sessionCount();
    }

    private static void scheduleExpiry(Session session) {
        Instant expiresAt = session.subscriber().expiresAt();
        session.expiry(expiresAt == null ? null : session.eventLoop().schedule(() -> {
            if (!session.isClosed()) {
                session.outbound().close(CloseCode.TOKEN_EXPIRED);
            }
        }, Math.max(1, Duration.between(Instant.now(), expiresAt).toMillis()), TimeUnit.MILLISECONDS));
    }
}
