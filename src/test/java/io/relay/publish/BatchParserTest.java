package io.relay.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.problem.Problem;
import io.relay.problem.ProblemException;

/** The batch envelope, read once; each item then read on its own, so one bad item is refused alone. */
class BatchParserTest {

    private static final ProblemException TOO_LARGE = Problem.PAYLOAD_TOO_LARGE.exception("too large");

    private static List<BatchParser.Item> parse(String body, int maxItemBytes) {
        return BatchParser.parse(body.getBytes(StandardCharsets.UTF_8), maxItemBytes, TOO_LARGE,
                PublishParserTest.MAX_TTL);
    }

    @Test
    void readsEachItemWithItsUsersAndIdempotencyKey() {
        List<BatchParser.Item> items = parse("{\"notifications\":[{\"users\":[\"bob\",\"ann\",\"bob\"],\"data\":{\"n\":1.50},"
                + "\"idempotencyKey\":\"k-1\"},{\"channel\":\"x\",\"data\":2}]}", 1000);
        assertEquals(List.of(ChannelName.personal("bob"), ChannelName.personal("ann")), items.get(0).publish().request().channels());
        assertEquals("{\"n\":1.50}", items.get(0).publish().request().data());
        assertEquals("k-1", items.get(0).publish().idempotencyKey());
        assertNull(items.get(1).publish().idempotencyKey());
    }

    @Test
    void refusesABadItemAloneEvenWithDuplicateKeys() {
        List<BatchParser.Item> items = parse("{\"notifications\":[{\"channel\":\"x\",\"data\":1,\"data\":2},7,"
                + "{\"channel\":\"x\",\"data\":3}]}", 1000);
        assertTrue(items.get(0).refused().getMessage().contains("data"), items.get(0).refused().getMessage());
        assertEquals(Problem.INVALID_REQUEST, items.get(1).refused().problem());
        assertEquals("3", items.get(2).publish().request().data());
    }

    @Test
    void refusesAnItemWhoseTtlIsBeyondRetentionAlone() {
        List<BatchParser.Item> items = parse("{\"notifications\":[{\"channel\":\"x\",\"data\":1,\"ttl\":"
                + (PublishParserTest.MAX_TTL.toSeconds() + 1) + "},{\"channel\":\"x\",\"data\":2,\"ttl\":60}]}", 1000);
        assertEquals(Problem.INVALID_REQUEST, items.get(0).refused().problem());
        assertEquals(Duration.ofSeconds(60), items.get(1).publish().request().ttl());
    }

    @Test
    void measuresAnItemInUtf8Bytes() {
        // two 2-byte characters: the bound is on bytes as sent, two more than the characters
        String item = "{\"channel\":\"x\",\"data\":\"éé\"}";
        assertSame(TOO_LARGE, parse("{\"notifications\":[" + item + "]}", item.getBytes(StandardCharsets.UTF_8).length - 1)
                .get(0).refused());
        assertEquals("\"éé\"", parse("{\"notifications\":[" + item + "]}", item.getBytes(StandardCharsets.UTF_8).length)
                .get(0).publish().request().data());
    }

    @Test
    void aSingleBodyCannotNameAnIdempotencyKey() {
        assertThrows(ProblemException.class, () -> PublishParser.parse(
                "{\"channel\":\"x\",\"data\":1,\"idempotencyKey\":\"k\"}".getBytes(StandardCharsets.UTF_8),
                PublishParserTest.MAX_TTL));
    }
}
