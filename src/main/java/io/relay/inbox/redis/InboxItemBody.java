package io.relay.inbox.redis;

import java.time.Instant;

import io.relay.inbox.InboxEntry;
import io.relay.inbox.InboxItem;

/**
 * An item's unchanging part as {@code inbox.lua} keeps it: plain text, never parsed by the script,
 * so that {@code data} stays exactly as the publisher sent it. Three lines, then the event and the
 * data back to back:
 * <pre>
 * time (ISO-8601) \n expiry (epoch ms) \n event length in chars (-1: no event) \n event data
 * </pre>
 * The flags live beside it: {@link #DELIVERED}, {@link #READ}, {@link #ARCHIVED}.
 */
final class InboxItemBody {

    static final int DELIVERED = 1;
    static final int READ = 2;
    static final int ARCHIVED = 4;

    private InboxItemBody() {
    }

    static String encode(InboxEntry entry) {
        String event = entry.event();
        return entry.time() + "\n" + entry.expiresAt().toEpochMilli() + "\n" + (event == null ? -1 : event.length()) + "\n"
                + (event == null ? "" : event) + entry.data();
    }

    static InboxItem decode(String id, int flags, String body) {
        int first = body.indexOf('\n');
        int second = body.indexOf('\n', first + 1);
        int third = body.indexOf('\n', second + 1);
        int eventLength = Integer.parseInt(body, second + 1, third, 10);
        int dataStart = third + 1 + Math.max(0, eventLength);
        return new InboxItem(id, eventLength < 0 ? null : body.substring(third + 1, dataStart), body.substring(dataStart),
                Instant.parse(body.substring(0, first)), Instant.ofEpochMilli(Long.parseLong(body, first + 1, second, 10)),
                (flags & DELIVERED) != 0, (flags & READ) != 0, (flags & ARCHIVED) != 0);
    }
}
