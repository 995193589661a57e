package io.relay.transport.ws;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.relay.problem.Problem;
import io.relay.transport.SubscriberHandshake;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets through only RFC 6455 WebSocket upgrades (version 13) over HTTP/1.1, ahead of the handshake's
 * other checks. Netty alone would accept the hixie-76 draft and hybi versions 7 and 8, and Vert.x an
 * upgrade over HTTP/1.0; they get 426 with {@code Sec-WebSocket-Version: 13} (RFC 6455 §4.4).
 */
@Singleton
public class WsProtocolVersion {

    static final String VERSION = "13";

    void register(@Observes Router router) {
        router.route(HttpMethod.GET, WsHandshake.PATH).order(-11).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            context.next(); // WsHandshake tells a plain GET to upgrade
            return;
        }
        String detail = null;
        if (request.version() != HttpVersion.HTTP_1_1) {
            detail = "a WebSocket upgrade needs HTTP/1.1";
        } else if (!VERSION.equals(strip(request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_VERSION)))) {
            detail = "only RFC 6455 WebSocket is served: send Sec-WebSocket-Version: 13";
        }
        if (detail == null) {
            context.next();
            return;
        }
        context.response().putHeader(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION).putHeader(HttpHeaders.UPGRADE, "websocket");
        SubscriberHandshake.refuse(context, Problem.UPGRADE_REQUIRED, detail);
    }

    private static String strip(String header) {
        return header == null ? null : header.strip();
    }
}
