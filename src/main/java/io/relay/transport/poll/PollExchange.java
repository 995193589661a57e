package io.relay.transport.poll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.relay.channel.ChannelName;
import io.relay.engine.Notification;
import io.relay.inbox.InboxCounts;
import io.relay.inbox.InboxEvent;
import io.relay.metrics.RelayMetrics;
import io.relay.metrics.Transport;
import io.relay.subscribe.ChannelRequest;
import io.relay.subscribe.CloseCode;
import io.relay.subscribe.Outbound;
import io.relay.subscribe.Session;
import io.relay.subscribe.SubscriptionService;
import io.relay.subscribe.SubscriptionStart;
import io.relay.subscribe.Welcome;
import io.relay.transport.CursorTracker;
import io.relay.transport.NotificationPage;
import io.relay.transport.SubscriberHandshake;
import io.relay.transport.EventLoops;
import io.vertx.ext.web.RoutingContext;

/**
 * One poll or long-poll: a short-lived session that collects what the subscriber has not seen and
 * answers once. Confined to the request's event loop. A poll answers as soon as its channels'
 * history is read; a long-poll with nothing pending waits for the first live notification (answering
 * with everything that arrived in the same loop turn), the timeout, or the server ending it.
 */
final class PollExchange implements Outbound {

    private static final Comparator<Notification> BY_CHANNEL_THEN_OFFSET = Comparator
            .comparing(Notification::channel).thenComparingLong(Notification::offset);

    private final RoutingContext context;
    private final SubscriptionService service;
    private final RelayMetrics metrics;
    private final List<ChannelRequest> requests;
    private final int limit;
    private final Duration timeout;
    private final Transport transport;
    private final Session session;
    private final List<Notification> collected = new ArrayList<>();
    private final Map<ChannelName, SubscriptionStart> startOf = new HashMap<>();
    private List<SubscriptionStart> starts;
    /** The user's inbox counts to answer with; null until read. */
    private InboxCounts inbox;
    private boolean inboxChanged;
    private boolean started;
    private boolean waiting;
    private boolean answerQueued;
    private boolean done;
    private ScheduledFuture<?> timer;

    PollExchange(RoutingContext context, SubscriptionService service, RelayMetrics metrics,
            SubscriberHandshake.Accepted accepted, int limit, Duration timeout, int maxPending) {
        this.context = context;
        this.service = service;
        this.metrics = metrics;
        this.requests = accepted.channels();
        this.limit = limit;
        this.timeout = timeout;
        this.transport = timeout.isZero() ? Transport.POLL : Transport.LONG_POLL;
        this.session = service.open(accepted.subscriber(),
                EventLoops.current(context.vertx()), this, maxPending);
    }

    void start() {
        context.response().closeHandler(v -> clientGone());
        // no answer holds more than limit notifications, so no channel's history is read further
        service.start(session, requests, limit, this::announced)
                .subscribe().with(ignored -> onStarted(), this::failed);
    }

    private void announced(Welcome welcome) {
        starts = welcome.channels();
        starts.forEach(start -> startOf.put(start.channel(), start));
        if (inbox == null) {
            inbox = welcome.inbox();
        }
    }

    @Override
    public void notification(Notification notification, boolean replay) {
        if (done) {
            return;
        }
        if (!replay && isCutShort(startOf.get(notification.channel()))) {
            // it follows what the limit left unread: the next poll reads it in order
            return;
        }
        collected.add(notification);
        if (replay) {
            metrics.replayed(transport);
        } else {
            metrics.delivered(transport);
        }
        answerSoon();
    }

    /**
     * The counts of the newest change answer, whether it came before the counts were read or after (the
     * read may be older than a change reported meanwhile); a long-poll wakes on it.
     */
    @Override
    public boolean inbox(InboxEvent event) {
        if (done) {
            return false;
        }
        inbox = event.counts();
        inboxChanged = true;
        answerSoon();
        return true;
    }

    private void answerSoon() {
        if (started && !answerQueued) {
            // answer at the end of this loop turn, with whatever else arrives in it
            answerQueued = true;
            session.eventLoop().execute(() -> answer(null));
        }
    }

    @Override
    public void close(CloseCode code) {
        answer(code);
    }

    private void onStarted() {
        started = true;
        if (done) {
            return;
        }
        if (!collected.isEmpty() || inboxChanged || timeout.isZero()) {
            answer(null);
            return;
        }
        waiting = true;
        metrics.connectionOpened(Transport.LONG_POLL);
        timer = session.eventLoop().schedule(() -> answer(null), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void failed(Throwable failure) {
        if (done) {
            return;
        }
        release();
        SubscriberHandshake.refuseStart(context, failure);
    }

    private void answer(CloseCode closed) {
        if (done) {
            return;
        }
        release();
        collected.sort(BY_CHANNEL_THEN_OFFSET);
        List<Notification> sent = collected.size() > limit ? collected.subList(0, limit) : collected;
        // overflowing while history was read only means: poll again at once
        boolean overflowed = closed == CloseCode.SLOW_CONSUMER;
        boolean more = sent.size() < collected.size() || overflowed
                || (starts != null && starts.stream().anyMatch(SubscriptionStart::isCutShort));
        context.response().putHeader("Cache-Control", "no-store");
        NotificationPage.send(context.response(), sent, cursor(sent), recovered(), more, inbox,
                overflowed ? null : closed);
    }

    /** The position after what this answer holds, for every channel read. */
    private String cursor(List<Notification> sent) {
        CursorTracker tracker = new CursorTracker();
        if (starts == null) {
            for (ChannelRequest request : requests) {
                if (request.since() != null) {
                    tracker.set(request.channel(), request.since());
                }
            }
            return tracker.encode();
        }
        tracker.start(requests, starts);
        sent.forEach(tracker::advance);
        List<ChannelName> truncated = collected.subList(sent.size(), collected.size()).stream()
                .map(Notification::channel).distinct().toList();
        for (SubscriptionStart start : starts) {
            if (truncated.contains(start.channel())) {
                continue;
            }
            if (start.isCutShort()) {
                // what the replay read was sent, or skipped as expired: the next poll reads on from there
                tracker.set(start.channel(), start.cutAt());
            } else {
                tracker.caughtUp(start);
            }
        }
        return tracker.encode();
    }

    private static boolean isCutShort(SubscriptionStart start) {
        return start != null && start.isCutShort();
    }

    private boolean recovered() {
        return starts == null || starts.stream().allMatch(SubscriptionStart::recovered);
    }

    private void clientGone() {
        if (!done) {
            release();
        }
    }

    private void release() {
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (waiting) {
            waiting = false;
            metrics.connectionClosed(Transport.LONG_POLL);
        }
        service.close(session);
    }
}
