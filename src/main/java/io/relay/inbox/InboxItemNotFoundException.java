package io.relay.inbox;

import io.relay.problem.ClientText;
import io.relay.problem.Problem;
import io.relay.problem.ProblemException;

/** An id the user's inbox does not hold: never published to them, deleted, expired, recalled, or another user's. */
public final class InboxItemNotFoundException extends ProblemException {

    public InboxItemNotFoundException(String id) {
        super(Problem.NOT_FOUND, "no item " + ClientText.quote(id) + " in this inbox");
    }
}
