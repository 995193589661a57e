package io.relay.transport;

import java.util.List;

import io.vertx.core.http.HttpServerRequest;

/** Strict reading of query parameters: a parameter given twice or out of range is a 400, never a guess. */
public final class QueryParams {

    private QueryParams() {
    }

    /** The parameter's value, or null when absent; refuses it given more than once. */
    public static String single(HttpServerRequest request, String name) {
        List<String> values = request.params().getAll(name);
        if (values.size() > 1) {
            throw new InvalidParameterException(name + " may be given once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** An integer parameter in {@code [min, max]}, or {@code fallback} when absent. */
    public static int intInRange(HttpServerRequest request, String name, int min, int max, int fallback) {
        String value = single(request, name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below, with the rule
        }
        throw new InvalidParameterException(name + " must be an integer from " + min + " to " + max);
    }
}
