package io.relay.channel;

import io.relay.problem.ClientText;
import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;

/** A string that is not a valid channel name; answered with 400. */
public class InvalidChannelException extends IllegalArgumentException implements ProblemCarrier {

    public InvalidChannelException(String value) {
        super("invalid channel name " + ClientText.quote(value) + ": " + ChannelName.RULE);
    }

    @Override
    public Problem problem() {
        return Problem.INVALID_REQUEST;
    }
}
