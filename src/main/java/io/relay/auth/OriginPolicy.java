package io.relay.auth;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.relay.RelayConfig;

/**
 * Which browser origins may use the subscriber's cookie: the relay's own (the Origin's scheme, host and
 * port equal the request's) and those in {@code relay.auth.allowed-origins}. This is what protects a
 * cookie-authenticated WebSocket from cross-site hijacking, which CORS does not cover. An Origin that
 * is not one origin ({@code null} from a sandboxed or file page, a path, a list, garbage) is allowed
 * nothing; behind a TLS-terminating proxy the request's scheme comes from its forwarded headers
 * ({@code quarkus.http.proxy.proxy-address-forwarding}).
 */
@Singleton
public class OriginPolicy {

    private final Set<String> allowed;

    public OriginPolicy(RelayConfig config) {
        this.allowed = config.auth().allowedOrigins().orElse(List.of()).stream()
                .map(OriginPolicy::normalize).filter(o -> o != null).collect(Collectors.toUnmodifiableSet());
    }

    public boolean isListed(String origin) {
        String normalized = normalize(origin);
        return normalized != null && allowed.contains(normalized);
    }

    /**
     * @param scheme the request's scheme ({@code http} or {@code https})
     * @param host the request's {@code Host} header
     */
    public boolean isAllowed(String origin, String scheme, String host) {
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        return allowed.contains(normalized) || host != null && normalized.equals(normalize(scheme + "://" + host));
    }

    /** {@code scheme://host:port} in lower case with the scheme's default port made explicit; null if not one origin. */
    static String normalize(String origin) {
        if (origin == null) {
            return null;
        }
        try {
            URI uri = new URI(origin.strip());
            if (uri.getScheme() == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
    }
}
