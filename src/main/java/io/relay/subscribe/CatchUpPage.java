package io.relay.subscribe;

import io.relay.channel.StreamPosition;
import io.relay.engine.HistoryPage;

/**
 * One catch-up read of a channel as its subscriptions receive it: the page, where it was read from
 * (it serves only subscriptions at or after that position) and the fan-out generation it was read in
 * (a page read before a fan-out came back cannot vouch for what the blip lost).
 */
record CatchUpPage(StreamPosition since, long generation, HistoryPage page) {

    /** Whether the page holds everything after {@code position}: read from it or from before it. */
    boolean covers(StreamPosition position) {
        return since.equals(StreamPosition.ORIGIN)
                || (since.epoch().equals(position.epoch()) && since.offset() <= position.offset());
    }
}
