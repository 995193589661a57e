package io.relay.auth;

import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Finds and verifies a subscriber's token on any transport. Sources, first match wins: the
 * {@code Authorization: Bearer} header; on a WebSocket handshake, an offered subprotocol
 * {@code relay.bearer.<jwt>}; the cookie {@code relay.auth.cookie-name}; the {@code access_token}
 * query parameter when {@code relay.auth.query-token} is on. A request that relies on the cookie must
 * come from an allowed origin.
 */
@Singleton
public class SubscriberAuthenticator {

    public static final String BEARER_SUBPROTOCOL_PREFIX = "relay.bearer.";

    private final TokenVerifier verifier;
    private final OriginPolicy origins;
    private final String cookieName;
    private final boolean queryToken;

    public SubscriberAuthenticator(TokenVerifier verifier, OriginPolicy origins, RelayConfig config) {
        this.verifier = verifier;
        this.origins = origins;
        this.cookieName = config.auth().cookieName();
        this.queryToken = config.auth().queryToken();
    }

    public Subscriber authenticate(HttpServerRequest request, boolean websocket) {
        return authenticate(request, websocket, websocket);
    }

    /**
     * For a request that changes the subscriber's state (an inbox mark): as an HTTP request, except that
     * with the cookie it must name an allowed Origin, as a WebSocket handshake must, so that no other
     * page can make the browser send it (browsers send Origin with every such request).
     */
    public Subscriber authenticateChange(HttpServerRequest request) {
        return authenticate(request, false, true);
    }

    private Subscriber authenticate(HttpServerRequest request, boolean websocket, boolean originRequired) {
        String token = BearerToken.from(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null && websocket) {
            token = fromSubprotocol(request);
        }
        if (token == null) {
            Cookie cookie = request.getCookie(cookieName);
            if (cookie != null && !cookie.getValue().isEmpty()) {
                Subscriber subscriber = verifier.verify(cookie.getValue());
                checkCookieOrigin(request, originRequired);
                return subscriber;
            }
        }
        if (token == null && queryToken) {
            token = request.getParam("access_token");
        }
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException(TokenRejectedException.Reason.missing,
                    "no token: send Authorization: Bearer <jwt>, the subprotocol relay.bearer.<jwt> or the cookie "
                            + cookieName);
        }
        return verifier.verify(token);
    }

    /**
     * A cookie is sent by the browser whatever page made the request, so its origin must be allowed:
     * a WebSocket handshake or a change must name one (browsers always send it there); another HTTP
     * request is refused only when it names a foreign one (browsers omit it on same-origin GETs).
     */
    private void checkCookieOrigin(HttpServerRequest request, boolean originRequired) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if ((originRequired || origin != null) && !origins.isAllowed(origin, request.scheme(), request.getHeader(HttpHeaders.HOST))) {
            throw new AccessDeniedException(AccessDeniedException.Reason.origin,
                    "a request authenticated by cookie must come from an allowed Origin");
        }
    }

    private static String fromSubprotocol(HttpServerRequest request) {
        for (String header : request.headers().getAll("Sec-WebSocket-Protocol")) {
            for (String offered : header.split(",")) {
                String protocol = offered.strip();
                if (protocol.startsWith(BEARER_SUBPROTOCOL_PREFIX)) {
                    return protocol.substring(BEARER_SUBPROTOCOL_PREFIX.length());
                }
            }
        }
        return null;
    }
}
