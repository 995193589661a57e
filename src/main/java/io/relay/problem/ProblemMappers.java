package io.relay.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of a REST endpoint into a problem+json response: a {@link ProblemCarrier} as
 * it says, anything else as a 500 that tells the client nothing.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(Throwable e) {
        ProblemCarrier carrier = answer(e);
        Response.ResponseBuilder response = Response.status(carrier.problem().status()).type(Problem.MEDIA_TYPE)
                .entity(ProblemBody.of(carrier));
        carrier.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Problem problem = Problem.forStatus(e.getResponse().getStatus());
        return build(problem, problem == Problem.INTERNAL ? "unexpected error" : e.getMessage()).build();
    }

    /**
     * What the client is told for {@code failure}: its own problem (logged when the server is at
     * fault), else a 500 for a failure nobody expected (logged with its stack).
     */
    public static ProblemCarrier answer(Throwable failure) {
        if (failure instanceof ProblemCarrier carrier) {
            if (carrier.problem().status() >= 500) {
                LOG.warnf("%s: %s", carrier.problem().title(), failure.getMessage());
            }
            return carrier;
        }
        LOG.error("unexpected error", failure);
        return new ProblemException(Problem.INTERNAL, "unexpected error");
    }

    private static Response.ResponseBuilder build(Problem problem, String detail) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(ProblemBody.of(problem, detail));
    }
}
