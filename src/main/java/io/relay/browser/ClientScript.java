package io.relay.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves the browser client, in every profile: {@code /client/relay.js}, which revalidates (no-cache
 * with an ETag) so an upgraded Relay is never hidden behind a cached old client, and
 * {@code /client/relay-<version>.js}, whose content never changes under that URL and is cached as
 * immutable. Both allow any origin: the file is public code fetched without credentials, and pages
 * load it cross-origin as a module script, which needs CORS; the subscriber endpoints keep their own
 * origin policy.
 */
@Singleton
public class ClientScript {

    private static final String PATH = "/client/relay.js";
    private static final String RESOURCE = "/client/relay.js";
    private static final String REVALIDATE = "no-cache";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final Buffer script;
    private final String etag;
    private final String versionedPath;

    public ClientScript(@ConfigProperty(name = "quarkus.application.version") String version) {
        byte[] bytes = read();
        this.script = Buffer.buffer(bytes);
        this.etag = '"' + digest(bytes) + '"';
        this.versionedPath = "/client/relay-" + version + ".js";
    }

    void register(@Observes Router router) {
        for (HttpMethod method : new HttpMethod[] { HttpMethod.GET, HttpMethod.HEAD }) {
            router.route(method, PATH).order(-10).handler(context -> send(context, REVALIDATE));
            router.route(method, versionedPath).order(-10).handler(context -> send(context, IMMUTABLE));
        }
    }

    private void send(RoutingContext context, String cacheControl) {
        HttpServerResponse response = context.response()
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
                .putHeader(HttpHeaders.ETAG, etag)
                .putHeader("X-Content-Type-Options", "nosniff");
        if (matches(context.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8");
        if (context.request().method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(script.length())).end();
        } else {
            response.end(script);
        }
    }

    /** RFC 9110 section 13.1.2: a list of entity tags or {@code *}, compared weakly. */
    private boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String candidate = tag.strip();
            if (candidate.equals("*") || candidate.equals(etag) || candidate.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] read() {
        try (InputStream in = ClientScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath (clients/js/relay.js)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
