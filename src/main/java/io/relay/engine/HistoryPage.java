package io.relay.engine;

import java.util.List;

import io.relay.channel.StreamPosition;

/**
 * The answer of {@link History#read}.
 *
 * @param latest the channel's position when read ({@link StreamPosition#EMPTY} for a channel with no history)
 * @param recovered whether the reader missed nothing: its position was still covered by retention
 * @param notifications the notifications to replay, oldest first
 */
public record HistoryPage(StreamPosition latest, boolean recovered, List<Notification> notifications) {

    /** Whether more notifications than the limit allowed wait after this page. */
    public boolean more() {
        return !notifications.isEmpty() && notifications.get(notifications.size() - 1).offset() < latest.offset();
    }
}
