package io.relay.auth;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.relay.RelayConfig;

/**
 * Which browser origins may use the subscriber's cookie: the relay's own (the Origin's host and port
 * equal the request's Host) and those in {@code relay.auth.allowed-origins}. This is what protects a
 * cookie-authenticated WebSocket from cross-site hijacking, which CORS does not cover.
 */
@Singleton
public class OriginPolicy {

    private final Set<String> allowed;

    public OriginPolicy(RelayConfig config) {
        this.allowed = config.auth().allowedOrigins().orElse(List.of()).stream()
                .map(OriginPolicy::normalize).filter(o -> o != null).collect(Collectors.toUnmodifiableSet());
    }

    public boolean isListed(String origin) {
        return origin != null && allowed.contains(normalize(origin));
    }

    public boolean isAllowed(String origin, String host) {
        if (origin == null) {
            return false;
        }
        return isListed(origin) || isSameHost(origin, host);
    }

    private static boolean isSameHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        String authority = normalized.substring(normalized.indexOf("://") + 3);
        String requestHost = host.toLowerCase(Locale.ROOT);
        return authority.equals(requestHost) || authority.equals(withDefaultPort(normalized, requestHost));
    }

    /** {@code scheme://host[:port]} in lower case with the scheme's default port made explicit; null if malformed. */
    static String normalize(String origin) {
        try {
            URI uri = new URI(origin.strip());
            if (uri.getScheme() == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String withDefaultPort(String normalizedOrigin, String host) {
        if (host.contains(":") && !host.endsWith("]")) {
            return host;
        }
        String scheme = normalizedOrigin.substring(0, normalizedOrigin.indexOf("://"));
        return host + ":" + defaultPort(scheme);
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
    }
}
