package io.relay.channel;

import io.relay.problem.ClientText;

/** A string that is not a valid channel name; answered with 400. */
public class InvalidChannelException extends IllegalArgumentException {

    public InvalidChannelException(String value) {
        super("invalid channel name " + ClientText.quote(value) + ": " + ChannelName.RULE);
    }
}
