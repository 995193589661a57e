package io.relay.subscribe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.relay.channel.StreamPosition;
import io.relay.engine.HistoryPage;

/** A catch-up page serves the subscriptions at or after the position it was read from, no others. */
class CatchUpPageTest {

    private static final StreamPosition AT = new StreamPosition("e1", 10);

    /** name, read from, covers a subscriber at e1/10 */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("readFromThisPosition", new StreamPosition("e1", 10), true),
                Arguments.of("readFromBefore", new StreamPosition("e1", 4), true),
                Arguments.of("readFromAfter", new StreamPosition("e1", 11), false),
                Arguments.of("readFromAnotherEpoch", new StreamPosition("e2", 0), false),
                Arguments.of("readEverythingRetained", StreamPosition.ORIGIN, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void coversOnlyPositionsAtOrAfterItsStart(String name, StreamPosition since, boolean covers) {
        CatchUpPage page = new CatchUpPage(since, 0, new HistoryPage(new StreamPosition("e1", 12), true, List.of()));
        assertEquals(covers, page.covers(AT));
    }
}
