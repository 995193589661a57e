package io.relay.channel;

/**
 * A place in a channel's stream: the last offset seen, within an epoch.
 *
 * <p>Offsets count notifications in a channel from 1, one by one. The epoch names one continuous
 * life of that count: it changes only when the channel's history was lost (the memory engine
 * restarted, Redis lost the stream), so a client holding (epoch, offset) can tell "nothing missed"
 * (same epoch, offset still retained) from "maybe missed something" (another epoch).
 */
public record StreamPosition(String epoch, long offset) {

    /** A position in no epoch: reading from it returns everything retained (engines' epochs never equal it). */
    public static final StreamPosition ORIGIN = new StreamPosition("-", 0);

    /**
     * The position of a channel that has no history: the constant epoch {@code "0"} at offset 0. Reading a
     * channel gives it no epoch, so that readers create no state; real epochs are 8 base64url characters
     * ({@code engine.Epochs}), so {@code "0"} never names one. {@link Recovery} recovers a client at this
     * position against any epoch that still retains its offset 1.
     */
    public static final StreamPosition EMPTY = new StreamPosition("0", 0);

    public StreamPosition {
        if (epoch == null || epoch.isEmpty()) {
            throw new IllegalArgumentException("epoch is required");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0");
        }
    }
}
