package io.relay.channel;

/**
 * Pure rules for resuming a stream. A channel's retained history is described by its current
 * position and the offset of its oldest retained notification.
 */
public final class Recovery {

    private Recovery() {
    }

    /**
     * Whether a client at {@code since} can be brought up to date without a gap: same epoch, not
     * ahead of the channel, and nothing after it dropped from retention. No position means "from now",
     * where nothing can have been missed. A client at {@link StreamPosition#EMPTY} saw the channel with
     * no history: it missed nothing of whichever epoch followed while offset 1 is still retained.
     *
     * @param oldestRetained offset of the oldest retained notification; {@code latest + 1} when none is
     */
    public static boolean isRecovered(StreamPosition since, StreamPosition latest, long oldestRetained) {
        if (since == null) {
            return true;
        }
        if (since.equals(StreamPosition.EMPTY)) {
            return oldestRetained == 1;
        }
        return since.epoch().equals(latest.epoch())
                && since.offset() <= latest.offset()
                && since.offset() >= oldestRetained - 1;
    }

    /**
     * The offset after which to replay: the client's own when recovered, otherwise before the oldest
     * retained one (everything retained), and the latest for a client starting from now.
     */
    public static long replayAfter(StreamPosition since, StreamPosition latest, long oldestRetained) {
        if (since == null) {
            return latest.offset();
        }
        return isRecovered(since, latest, oldestRetained) ? since.offset() : oldestRetained - 1;
    }
}
