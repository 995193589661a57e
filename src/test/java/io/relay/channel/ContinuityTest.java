package io.relay.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContinuityTest {

    private static final StreamPosition LAST = new StreamPosition("e1", 10);

    /** name, next position, continuity */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("theNextOffset", new StreamPosition("e1", 11), Continuity.NEXT),
                Arguments.of("theSameOffsetAgain", new StreamPosition("e1", 10), Continuity.SEEN),
                Arguments.of("anOlderOffset", new StreamPosition("e1", 3), Continuity.SEEN),
                Arguments.of("oneSkipped", new StreamPosition("e1", 12), Continuity.GAP),
                Arguments.of("manySkipped", new StreamPosition("e1", 1_000), Continuity.GAP),
                Arguments.of("aNewEpochFromItsStart", new StreamPosition("e2", 1), Continuity.NEXT),
                Arguments.of("aNewEpochPastItsStart", new StreamPosition("e2", 2), Continuity.GAP),
                Arguments.of("aNewEpochAtOurOffset", new StreamPosition("e2", 10), Continuity.GAP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifiesTheNextPosition(String name, StreamPosition next, Continuity expected) {
        assertEquals(expected, Continuity.of(LAST, next));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fromEmpty")
    void aSubscriberOfAnEmptyChannelTakesItsFirstNotification(String name, StreamPosition next, Continuity expected) {
        assertEquals(expected, Continuity.of(new StreamPosition("e0", 0), next));
    }

    static Stream<Arguments> fromEmpty() {
        return Stream.of(
                Arguments.of("firstOfTheSameEpoch", new StreamPosition("e0", 1), Continuity.NEXT),
                Arguments.of("firstOfAFreshEpoch", new StreamPosition("e1", 1), Continuity.NEXT),
                Arguments.of("secondOfAFreshEpoch", new StreamPosition("e1", 2), Continuity.GAP));
    }
}
