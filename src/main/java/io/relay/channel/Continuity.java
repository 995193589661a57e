package io.relay.channel;

/**
 * How a notification's position relates to the last one a subscriber was given: the rule that keeps
 * live delivery gap-free whatever caused a jump (a lost fan-out message, a dropped delivery, a race
 * with a resume). Pure, like {@link Recovery}.
 */
public enum Continuity {
    /** The next one: deliver it. */
    NEXT,
    /** Already given (or older): skip it. */
    SEEN,
    /** Something between was not given: catch up from history before delivering anything more. */
    GAP;

    /**
     * Within an epoch the next offset is the last plus one. A notification of another epoch is the
     * next only at offset 1: the channel began a new life (its history expired while it was silent,
     * or was lost), and nothing of that life was missed; whether something of the old one was is the
     * caller's to judge (see {@code subscribe.Subscription}).
     */
    public static Continuity of(StreamPosition last, StreamPosition next) {
        if (!next.epoch().equals(last.epoch())) {
            return next.offset() == 1 ? NEXT : GAP;
        }
        if (next.offset() <= last.offset()) {
            return SEEN;
        }
        return next.offset() == last.offset() + 1 ? NEXT : GAP;
    }
}
