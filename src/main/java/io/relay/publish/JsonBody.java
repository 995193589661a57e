package io.relay.publish;

import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Collects a publisher's request body up to a bound. A chunked body that goes over is refused at
 * once and the connection is closed after the answer, so nothing more of it is buffered.
 */
final class JsonBody {

    private final RoutingContext context;
    private final int maxBytes;
    private final Consumer<Buffer> onBody;
    private final Runnable onTooLarge;
    private final Buffer body = Buffer.buffer();
    /** Touched only by the request's event loop. */
    private boolean refused;

    private JsonBody(RoutingContext context, int maxBytes, Consumer<Buffer> onBody, Runnable onTooLarge) {
        this.context = context;
        this.maxBytes = maxBytes;
        this.onBody = onBody;
        this.onTooLarge = onTooLarge;
    }

    /** Reads the body, then gives it to {@code onBody}, or calls {@code onTooLarge} once it is over {@code maxBytes}. */
    static void read(RoutingContext context, int maxBytes, Consumer<Buffer> onBody, Runnable onTooLarge) {
        new JsonBody(context, maxBytes, onBody, onTooLarge).start();
    }

    /** Whether a Content-Type names JSON, whatever its parameters. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip();
        return type.equalsIgnoreCase("application/json");
    }

    private void start() {
        HttpServerRequest request = context.request();
        request.handler(this::onChunk);
        request.endHandler(v -> {
            if (!refused) {
                onBody.accept(body);
            }
        });
        request.exceptionHandler(failure -> refused = true);
        request.resume();
    }

    private void onChunk(Buffer chunk) {
        if (refused) {
            return;
        }
        if (body.length() + chunk.length() > maxBytes) {
            refused = true;
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            onTooLarge.run();
            return;
        }
        body.appendBuffer(chunk);
    }
}
