package io.relay.publish;

import java.util.List;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.relay.auth.PublisherGuard;
import io.relay.limit.LimitExceededException;
import io.relay.limit.Limits;
import io.relay.problem.ProblemMappers;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.relay.ops.RelayMetrics;
import io.relay.problem.Problem;
import io.relay.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /api/v1/notifications}. Checks run cheapest and least revealing first: the key (401),
 * the size (413), the media type (415), then the body (400). Runs on the event loop.
 */
@Path(PublishResource.PATH)
public class PublishResource {

    static final String PATH = "/api/v1/notifications";

    private static final int MAX_IDEMPOTENCY_KEY = 255;

    private final PublishService service;
    private final PublisherGuard guard;
    private final Limits limits;
    private final RelayMetrics metrics;
    private final PayloadLimit payloadLimit;

    public PublishResource(PublishService service, PublisherGuard guard, RelayMetrics metrics, PayloadLimit payloadLimit,
            Limits limits) {
        this.limits = limits;
        this.service = service;
        this.guard = guard;
        this.metrics = metrics;
        this.payloadLimit = payloadLimit;
    }

    @POST
    public Uni<Response> publish(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) {
        PublishRequest request;
        try {
            limits.admitPublish(guard.require(authorization));
            payloadLimit.check(body);
            if (!isJson(contentType)) {
                throw Problem.UNSUPPORTED_MEDIA_TYPE.exception("send Content-Type: application/json");
            }
            checkIdempotencyKey(idempotencyKey);
            request = PublishParser.parse(body);
        } catch (ProblemException refused) {
            metrics.publish(outcome(refused.problem()));
            return Uni.createFrom().failure(refused);
        } catch (LimitExceededException limited) {
            metrics.publish("rate_limited");
            return Uni.createFrom().failure(ProblemMappers.rateLimited(limited));
        }
        return service.publish(request, idempotencyKey)
                .onItem().transform(result -> {
                    boolean replayed = !result.id().equals(request.id());
                    metrics.publish(replayed ? "duplicate" : "accepted");
                    Response.ResponseBuilder response = Response.accepted(PublishResponse.of(result))
                            .type(MediaType.APPLICATION_JSON);
                    if (replayed) {
                        response.header("Idempotent-Replayed", "true");
                    }
                    return response.build();
                })
                .onFailure(EngineUnavailableException.class).invoke(() -> {
                    metrics.publish("unavailable");
                    metrics.engineError("publish");
                });
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.valueOf(contentType);
            return type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkIdempotencyKey(String key) {
        if (key == null) {
            return;
        }
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw Problem.INVALID_REQUEST.exception("Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY
                    + " visible ASCII characters");
        }
    }

    private static String outcome(Problem problem) {
        return switch (problem) {
            case UNAUTHORIZED -> "unauthorized";
            case PAYLOAD_TOO_LARGE -> "too_large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_type";
            default -> "invalid";
        };
    }

    /** The 202 body: the publish id and where it landed in each channel. */
    public record PublishResponse(String id, List<Placement> channels) {

        static PublishResponse of(PublishResult result) {
            return new PublishResponse(result.id(), result.channels().stream()
                    .map(p -> new Placement(p.channel().value(), p.position().epoch(), p.position().offset()))
                    .toList());
        }

        public record Placement(String channel, String epoch, long offset) {
        }
    }
}
