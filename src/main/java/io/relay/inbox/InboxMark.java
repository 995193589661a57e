package io.relay.inbox;

import java.util.List;

/**
 * A change of one flag on many items of a user's inbox: {@code ids} (1 to 1000), or every item when
 * {@code ids} is null.
 */
public record InboxMark(List<String> ids, Flag flag, boolean value) {

    public enum Flag { READ, ARCHIVED }

    public boolean all() {
        return ids == null;
    }

    /** The item with this mark applied. */
    public InboxItem applyTo(InboxItem item) {
        return flag == Flag.READ ? item.withRead(value) : item.withArchived(value);
    }
}
