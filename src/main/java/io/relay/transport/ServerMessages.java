package io.relay.transport;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import io.relay.inbox.InboxCounts;
import io.relay.inbox.InboxEvent;
import io.relay.inbox.InboxItem;

import io.relay.subscribe.CloseCode;
import io.relay.subscribe.SubscriptionStart;
import io.relay.subscribe.Welcome;

/**
 * Messages every transport sends in the same shape: the welcome, a channel's start, an inbox change,
 * why the server ended a stream.
 */
public final class ServerMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerMessages() {
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /**
     * @param heartbeat the longest the connection stays quiet while healthy (SSE's comment interval,
     *        the WebSocket ping interval): a client hearing nothing for twice as long may take it as dead
     */
    public static String welcome(String user, Welcome welcome, Duration heartbeat) {
        ObjectNode message = object().put("type", "welcome").put("user", user).put("heartbeat", heartbeat.toMillis());
        ArrayNode channels = message.putArray("channels");
        welcome.channels().forEach(start -> position(channels.addObject(), start));
        counts(message.putObject("inbox"), welcome.inbox());
        return message.toString();
    }

    /** {@code {"type":"inbox","change":"added|updated|removed","items":[...]|"ids":[...],"counts":{...}}}. */
    public static String inbox(InboxEvent event) {
        ObjectNode message = object().put("type", "inbox").put("change", event.change().name());
        if (event.change() == InboxEvent.Change.removed) {
            ArrayNode ids = message.putArray("ids");
            event.ids().forEach(ids::add);
        } else {
            ArrayNode items = message.putArray("items");
            event.items().forEach(item -> item(items.addObject(), item));
        }
        counts(message.putObject("counts"), event.counts());
        return message.toString();
    }

    /** An inbox item as the subscriber API shows it, {@code data} as the publisher sent it. */
    private static void item(ObjectNode node, InboxItem item) {
        node.put("id", item.id()).put("event", item.event()).putRawValue("data", new RawValue(item.data()))
                .put("time", item.time().toString()).put("expiresAt", item.expiresAt().toString())
                .put("delivered", item.delivered()).put("read", item.read()).put("archived", item.archived());
    }

    public static ObjectNode counts(ObjectNode node, InboxCounts counts) {
        return node.put("unread", counts.unread()).put("total", counts.total());
    }

    public static ObjectNode position(ObjectNode node, SubscriptionStart start) {
        return node.put("channel", start.channel().value())
                .put("epoch", start.latest().epoch())
                .put("offset", start.latest().offset())
                .put("recovered", start.recovered());
    }

    /** {@code {"type":"close","code":4003,"reason":"...","reconnect":false}}: the WebSocket close code and what to do. */
    public static ObjectNode close(CloseCode code) {
        return object().put("type", "close").put("code", code.code()).put("reason", code.reason())
                .put("reconnect", code.reconnect());
    }
}
