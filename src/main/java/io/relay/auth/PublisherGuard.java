package io.relay.auth;

import java.util.Map;

import jakarta.inject.Singleton;

import io.relay.problem.Problem;
import io.relay.problem.ProblemException;

/** Refuses publisher endpoints to callers without a valid publisher key (401). */
@Singleton
public class PublisherGuard {

    private final PublisherKeys keys;

    public PublisherGuard(PublisherKeys keys) {
        this.keys = keys;
    }

    /** Returns which publisher key was presented (its position in relay.publisher-keys). */
    public int require(String authorization) {
        int key = keys.match(authorization);
        if (key < 0) {
            throw new ProblemException(Problem.UNAUTHORIZED,
                    authorization == null ? "send Authorization: Bearer <publisher key>" : "unknown publisher key",
                    Map.of("WWW-Authenticate", "Bearer realm=\"relay-publish\""));
        }
        return key;
    }
}
