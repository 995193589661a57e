package io.relay.transport;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.relay.channel.ChannelName;
import io.relay.channel.Cursor;
import io.relay.channel.StreamPosition;
import io.relay.engine.Notification;
import io.relay.subscribe.ChannelRequest;
import io.relay.subscribe.SubscriptionStart;

/**
 * Where a subscriber of an HTTP transport stands in each of its channels, i.e. the cursor handed back
 * to it. A channel starts at the client's own position (or the channel's latest, when it came
 * without one), moves with each notification sent, and jumps to the channel's latest once its replay
 * has been sent in full, unless a notification of it was sent: that one is then the latest or came
 * after it (possibly in a newer epoch, e.g. the first one of a channel that was at
 * {@link StreamPosition#EMPTY}). So the cursor never claims more than the client was given.
 */
public final class CursorTracker {

    private final Map<ChannelName, StreamPosition> positions = new LinkedHashMap<>();
    private final Set<ChannelName> advanced = new HashSet<>();

    public void start(List<ChannelRequest> requests, List<SubscriptionStart> starts) {
        for (int i = 0; i < starts.size(); i++) {
            StreamPosition since = requests.get(i).since();
            positions.put(starts.get(i).channel(), since != null ? since : starts.get(i).latest());
        }
    }

    public void advance(Notification notification) {
        positions.put(notification.channel(), notification.position());
        advanced.add(notification.channel());
    }

    /** Every replay up to each start's latest position has been sent. */
    public void caughtUp(List<SubscriptionStart> starts) {
        starts.forEach(this::caughtUp);
    }

    /** The replay up to this start's latest position has been sent. */
    public void caughtUp(SubscriptionStart start) {
        if (!advanced.contains(start.channel())) {
            positions.put(start.channel(), start.latest());
        }
    }

    /** Sets one channel's position (a poll answering part of what it read). */
    public void set(ChannelName channel, StreamPosition position) {
        positions.put(channel, position);
    }

    public String encode() {
        return Cursor.encode(positions);
    }
}
