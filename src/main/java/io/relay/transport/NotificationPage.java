package io.relay.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.relay.engine.Notification;
import io.relay.inbox.InboxCounts;
import io.relay.subscribe.CloseCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The body of a poll, long-poll or history answer:
 * {@code {"notifications":[...],"cursor":"...","recovered":true,"more":false}}, plus the user's
 * {@code "inbox":{"unread":n,"total":n}} in a poll's answer, and
 * {@code "close":{...}} when the server ended a wait (shutdown, disconnect, token expiry). Each
 * notification is written as the bytes encoded at publish.
 */
public final class NotificationPage {

    private static final JsonFactory JSON = new JsonFactory();

    private NotificationPage() {
    }

    /** @param inbox the user's inbox counts (a poll's answer), or null (a channel's history) */
    public static void send(HttpServerResponse response, List<Notification> notifications, String cursor,
            boolean recovered, boolean more, InboxCounts inbox, CloseCode closed) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Buffer.buffer(encode(notifications, cursor, recovered, more, inbox, closed)));
    }

    public static ByteBuf encode(List<Notification> notifications, String cursor, boolean recovered, boolean more,
            InboxCounts inbox, CloseCode closed) {
        int size = 96 + cursor.length();
        for (Notification notification : notifications) {
            size += notification.json().readableBytes() + 1;
        }
        ByteBuf body = Unpooled.buffer(size);
        try (JsonGenerator json = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(body))) {
            json.writeStartObject();
            json.writeArrayFieldStart("notifications");
            for (Notification notification : notifications) {
                json.writeRawValue(notification.json().toString(java.nio.charset.StandardCharsets.UTF_8));
            }
            json.writeEndArray();
            json.writeStringField("cursor", cursor);
            json.writeBooleanField("recovered", recovered);
            json.writeBooleanField("more", more);
            if (inbox != null) {
                json.writeObjectFieldStart("inbox");
                json.writeNumberField("unread", inbox.unread());
                json.writeNumberField("total", inbox.total());
                json.writeEndObject();
            }
            if (closed != null) {
                json.writeFieldName("close");
                json.writeRawValue(ServerMessages.close(closed).toString());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return body;
    }
}
