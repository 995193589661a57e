package io.relay.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecoveryTest {

    private static final StreamPosition LATEST = new StreamPosition("e1", 10);

    /** name, client position, oldest retained offset, recovered, replay after */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("fromNow", null, 1L, true, 10L),
                Arguments.of("sameEpochNothingNew", new StreamPosition("e1", 10), 1L, true, 10L),
                Arguments.of("sameEpochSomeMissed", new StreamPosition("e1", 7), 1L, true, 7L),
                Arguments.of("fromTheVeryStart", new StreamPosition("e1", 0), 1L, true, 0L),
                Arguments.of("justCoveredByRetention", new StreamPosition("e1", 4), 5L, true, 4L),
                Arguments.of("fromPositionAlreadyGone", new StreamPosition("e1", 3), 5L, false, 4L),
                Arguments.of("unknownEpoch", new StreamPosition("other", 7), 5L, false, 4L),
                Arguments.of("aheadOfTheChannel", new StreamPosition("e1", 11), 5L, false, 4L),
                Arguments.of("everythingExpired", new StreamPosition("e1", 8), 11L, false, 10L),
                Arguments.of("everythingExpiredNothingMissed", new StreamPosition("e1", 10), 11L, true, 10L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesRecoveryAndReplay(String name, StreamPosition since, long oldestRetained, boolean recovered, long replayAfter) {
        assertEquals(recovered, Recovery.isRecovered(since, LATEST, oldestRetained), "recovered");
        assertEquals(replayAfter, Recovery.replayAfter(since, LATEST, oldestRetained), "replay after");
    }
}
