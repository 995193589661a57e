package io.relay.problem;

import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.relay.auth.AccessDeniedException;
import io.relay.auth.TokenRejectedException;
import io.relay.channel.InvalidChannelException;
import io.relay.channel.InvalidCursorException;
import io.relay.engine.EngineUnavailableException;
import io.relay.limit.LimitExceededException;
import io.relay.transport.InvalidParameterException;

/** Turns every failure of a REST endpoint into a problem+json response. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder response = build(e.problem(), e.getMessage());
        e.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper
    public Response tokenRejected(TokenRejectedException e) {
        return build(Problem.UNAUTHORIZED, e.getMessage())
                .header("WWW-Authenticate", Challenges.bearer(e)).build();
    }

    @ServerExceptionMapper
    public Response accessDenied(AccessDeniedException e) {
        return build(Problem.FORBIDDEN, e.getMessage()).build();
    }

    @ServerExceptionMapper({ InvalidChannelException.class, InvalidCursorException.class, InvalidParameterException.class })
    public Response invalidInput(IllegalArgumentException e) {
        return build(Problem.INVALID_REQUEST, e.getMessage()).build();
    }

    @ServerExceptionMapper
    public Response engineUnavailable(EngineUnavailableException e) {
        return problem(unavailable(e));
    }

    /** The 503 for an engine failure (logged), with {@code Retry-After}: nothing was changed. */
    public static ProblemException unavailable(EngineUnavailableException e) {
        LOG.warnf("engine unavailable: %s", e.getMessage());
        return new ProblemException(Problem.ENGINE_UNAVAILABLE,
                "the engine is unavailable, nothing was changed: " + e.getMessage(), Map.of("Retry-After", "1"));
    }

    @ServerExceptionMapper
    public Response limitExceeded(LimitExceededException e) {
        return problem(rateLimited(e));
    }

    /** The 429 for a request over a limit, with {@code Retry-After}. */
    public static ProblemException rateLimited(LimitExceededException e) {
        return new ProblemException(Problem.RATE_LIMITED, e.getMessage(),
                Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Problem problem = Problem.forStatus(e.getResponse().getStatus());
        return build(problem, problem == Problem.INTERNAL ? "unexpected error" : e.getMessage()).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        return problem(internalError(e));
    }

    /** The 500 for a failure nobody expected (logged with its stack); the client learns nothing of it. */
    public static ProblemException internalError(Throwable e) {
        LOG.error("unexpected error", e);
        return new ProblemException(Problem.INTERNAL, "unexpected error");
    }

    private static Response.ResponseBuilder build(Problem problem, String detail) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(ProblemBody.of(problem, detail));
    }
}
