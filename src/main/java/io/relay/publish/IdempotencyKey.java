package io.relay.publish;

import io.relay.problem.Problem;
import io.relay.problem.ProblemException;

/**
 * The rule for an idempotency key, the {@code Idempotency-Key} header of a publish or the
 * {@code idempotencyKey} of a batch item: 1 to 255 visible ASCII characters, so that it can be
 * stored and logged as it came.
 */
final class IdempotencyKey {

    private static final int MAX_LENGTH = 255;

    private IdempotencyKey() {
    }

    /** {@code key} when it is absent or follows the rule. */
    static String check(String key) {
        if (key != null && (key.isEmpty() || key.length() > MAX_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e))) {
            throw malformed();
        }
        return key;
    }

    static ProblemException malformed() {
        return Problem.INVALID_REQUEST.exception("Idempotency-Key must be 1 to " + MAX_LENGTH + " visible ASCII characters");
    }
}
