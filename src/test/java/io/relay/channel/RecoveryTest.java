package io.relay.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecoveryTest {

    private static final StreamPosition LATEST = new StreamPosition("e1", 10);

    private static final StreamPosition EMPTY = StreamPosition.EMPTY;

    /** name, client position, channel's latest position, oldest retained offset, recovered, replay after */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("fromNow", null, LATEST, 1L, true, 10L),
                Arguments.of("sameEpochNothingNew", new StreamPosition("e1", 10), LATEST, 1L, true, 10L),
                Arguments.of("sameEpochSomeMissed", new StreamPosition("e1", 7), LATEST, 1L, true, 7L),
                Arguments.of("fromTheVeryStart", new StreamPosition("e1", 0), LATEST, 1L, true, 0L),
                Arguments.of("justCoveredByRetention", new StreamPosition("e1", 4), LATEST, 5L, true, 4L),
                Arguments.of("fromPositionAlreadyGone", new StreamPosition("e1", 3), LATEST, 5L, false, 4L),
                Arguments.of("unknownEpoch", new StreamPosition("other", 7), LATEST, 5L, false, 4L),
                Arguments.of("aheadOfTheChannel", new StreamPosition("e1", 11), LATEST, 5L, false, 4L),
                Arguments.of("everythingExpired", new StreamPosition("e1", 8), LATEST, 11L, false, 10L),
                Arguments.of("everythingExpiredNothingMissed", new StreamPosition("e1", 10), LATEST, 11L, true, 10L),
                Arguments.of("emptyChannelFromNow", null, EMPTY, 1L, true, 0L),
                Arguments.of("emptyChannelStillEmpty", EMPTY, EMPTY, 1L, true, 0L),
                Arguments.of("emptyPositionAgainstCompleteHistory", EMPTY, LATEST, 1L, true, 0L),
                Arguments.of("emptyPositionAgainstTrimmedHistory", EMPTY, LATEST, 5L, false, 4L),
                Arguments.of("emptyPositionAgainstExpiredHistory", EMPTY, LATEST, 11L, false, 10L),
                Arguments.of("emptyEpochAtAnotherOffset", new StreamPosition(EMPTY.epoch(), 3), LATEST, 1L, false, 0L),
                Arguments.of("emptyEpochAheadOfAnEmptyChannel", new StreamPosition(EMPTY.epoch(), 3), EMPTY, 1L, false, 0L),
                Arguments.of("realEpochAgainstAnEmptyChannel", new StreamPosition("e1", 3), EMPTY, 1L, false, 0L),
                Arguments.of("realEpochFromTheStartAgainstAnEmptyChannel", new StreamPosition("e1", 0), EMPTY, 1L, false, 0L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesRecoveryAndReplay(String name, StreamPosition since, StreamPosition latest, long oldestRetained,
            boolean recovered, long replayAfter) {
        assertEquals(recovered, Recovery.isRecovered(since, latest, oldestRetained), "recovered");
        assertEquals(replayAfter, Recovery.replayAfter(since, latest, oldestRetained), "replay after");
    }
}
