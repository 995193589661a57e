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
     * Within an epoch the next offset is the last plus one. Another epoch means the channel's history
     * was lost, and with it maybe something this subscriber never got: a gap, which the catch-up turns
     * into {@code recovered:false}. Only a subscriber that has seen nothing (offset 0, e.g. it joined
     * an empty channel) takes offset 1 of any epoch as the next.
     */
    public static Continuity of(StreamPosition last, StreamPosition next) {
        if (!next.epoch().equals(last.epoch())) {
            return last.offset() == 0 && next.offset() == 1 ? NEXT : GAP;
        }
        if (next.offset() <= last.offset()) {
            return SEEN;
        }
        return next.offset() == last.offset() + 1 ? NEXT : GAP;
    }
}
