package io.relay.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.engine.PublishRequest;
import io.relay.problem.ProblemException;

/** The publish body, read in one streaming pass: what it keeps of data, and what it refuses. */
class PublishParserTest {

    /** relay.inbox.retention's default. */
    static final Duration MAX_TTL = Duration.ofDays(30);

    private static PublishRequest parse(String body) {
        return PublishParser.parse(body.getBytes(StandardCharsets.UTF_8), MAX_TTL).request();
    }

    @Test
    void inboxNeedsAUserAmongTheTargets() {
        assertTrue(PublishParser.parse("{\"users\":[\"bob\"],\"data\":1,\"inbox\":true}".getBytes(StandardCharsets.UTF_8),
                MAX_TTL).inbox());
        assertTrue(PublishParser.parse("{\"channels\":[\"team:x\",\"user:ann\"],\"data\":1,\"inbox\":true}"
                .getBytes(StandardCharsets.UTF_8), MAX_TTL).inbox());
        assertFalse(PublishParser.parse("{\"channel\":\"team:x\",\"data\":1,\"inbox\":false}".getBytes(StandardCharsets.UTF_8),
                MAX_TTL).inbox());
        for (String body : List.of("{\"channel\":\"team:x\",\"data\":1,\"inbox\":true}",
                "{\"users\":[\"bob\"],\"data\":1,\"inbox\":\"yes\"}", "{\"users\":[\"bob\"],\"data\":1,\"inbox\":1}")) {
            ProblemException refused = assertThrows(ProblemException.class, () -> parse(body));
            assertEquals(400, refused.problem().status());
            assertTrue(refused.detail().contains("inbox"), refused.detail());
        }
    }

    @Test
    void keepsTheTtlInWholeSeconds() {
        assertEquals(Duration.ofSeconds(90), parse("{\"channel\":\"x\",\"data\":1,\"ttl\":90}").ttl());
        assertEquals(MAX_TTL, parse("{\"channel\":\"x\",\"data\":1,\"ttl\":" + MAX_TTL.toSeconds() + "}").ttl());
        assertNull(parse("{\"channel\":\"x\",\"data\":1}").ttl());
    }

    @ParameterizedTest(name = "ttl {0}")
    @ValueSource(strings = {"0", "-5", "2592001", "1.5", "1e3", "\"60\"", "null", "true", "[60]", "99999999999999999999999"})
    void refusesATtlThatIsNotWholeSecondsWithinRetention(String ttl) {
        ProblemException refused = assertThrows(ProblemException.class,
                () -> parse("{\"channel\":\"x\",\"data\":1,\"ttl\":" + ttl + "}"));
        assertEquals(400, refused.problem().status());
        assertTrue(refused.detail().contains("ttl must be a whole number of seconds from 1 to 2592000"),
                refused.detail());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"n\": 12.50}                           | {\"n\":12.50}",
            "{\"big\":123456789012345678901234567890} | {\"big\":123456789012345678901234567890}",
            "[1e400, -0, 0.1E-7, 3]                   | [1e400,-0,0.1E-7,3]",
            "\"caf\\u00e9 \\\"ok\\\"\"               | \"café \\\"ok\\\"\"",
            "{ \"a\" : [ true , false , null , { } ] } | {\"a\":[true,false,null,{}]}",
            "null                                     | null",
            "\"\"                                     | \"\"" })
    void keepsDataCompactWithNumbersExactlyAsSent(String data, String kept) {
        assertEquals(kept, parse("{\"channel\":\"x\",\"data\":" + data + "}").data());
    }

    @Test
    void readsChannelsEventAndDataInAnyOrder() {
        PublishRequest request = parse("{\"data\":{\"orderId\":7},\"event\":\"order.shipped\",\"channels\":[\"user:alice\",\"team:ops\"]}");
        assertEquals(List.of(ChannelName.of("user:alice"), ChannelName.of("team:ops")), request.channels());
        assertEquals("order.shipped", request.event());
        assertEquals("{\"orderId\":7}", request.data());
        assertNull(parse("{\"channel\":\"x\",\"event\":null,\"data\":1}").event());
    }

    /** Bodies no publish may have; the endpoint's test sends each over HTTP too (400). */
    static Stream<String> invalidBodies() {
        return Stream.of(
                "", "not json", "{\"channel\":\"x\",\"data\":1", "[]", "\"string\"", "{\"channel\":\"x\"}",
                "{\"data\":1}", "{\"channel\":\"bad name\",\"data\":1}", "{\"channel\":\"\",\"data\":1}",
                "{\"channel\":7,\"data\":1}", "{\"channel\":\"x\",\"channels\":[\"y\"],\"data\":1}",
                "{\"channels\":[],\"data\":1}", "{\"channels\":\"x\",\"data\":1}", "{\"channels\":[\"x\",\"x\"],\"data\":1}",
                "{\"channels\":[\"x\",5],\"data\":1}", "{\"channel\":\"x\",\"data\":1,\"event\":\"\"}",
                "{\"channel\":\"x\",\"data\":1,\"event\":7}", "{\"channel\":\"x\",\"data\":1,\"chanel\":\"y\"}",
                "{\"channel\":\"x\",\"data\":1,\"data\":2}", "{\"channel\":\"x\",\"data\":1} trailing",
                "{\"channel\":\"x\",\"data\":1} {}", "{\"channel\":\"x\",\"data\":{\"a\":1,\"a\":2}}",
                "{\"channel\":\"x\",\"data\":[1,]}", "{\"channel\":\"x\",\"data\":01}", "{\"channel\":\"x\",\"data\":NaN}");
    }

    @ParameterizedTest
    @MethodSource("invalidBodies")
    void refusesWhatIsNotAValidPublish(String body) {
        assertThrows(ProblemException.class, () -> parse(body));
    }

    /**
     * Bytes that are not UTF-8 (RFC 3629) at every place a body holds text, named by what they are; a
     * lenient decoder turns the overlong ones into other characters ({@code C0 AF} into {@code /}).
     */
    static Stream<Arguments> invalidUtf8Bodies() {
        Stream<Arguments> inData = Stream.of(
                Arguments.of("overlong / in 2 bytes", hex("C0 AF")), Arguments.of("overlong / in 3 bytes", hex("E0 80 AF")),
                Arguments.of("overlong DEL", hex("C1 BF")), Arguments.of("overlong / in 4 bytes", hex("F0 80 80 AF")),
                Arguments.of("encoded high surrogate", hex("ED A0 80")), Arguments.of("encoded low surrogate", hex("ED BF BF")),
                Arguments.of("encoded surrogate pair (CESU-8)", hex("ED A0 BD ED B8 80")),
                Arguments.of("above U+10FFFF", hex("F4 90 80 80")), Arguments.of("5-byte form", hex("F8 88 80 80 80")),
                Arguments.of("FE", hex("FE")), Arguments.of("FF", hex("FF")), Arguments.of("lone continuation", hex("80")),
                Arguments.of("truncated 2-byte", hex("C3")), Arguments.of("truncated 3-byte", hex("E2 82")),
                Arguments.of("truncated 4-byte", hex("F0 9F 98")), Arguments.of("bad continuation", hex("C3 28")))
                .map(a -> Arguments.of("data: " + a.get()[0], body("{\"channel\":\"x\",\"data\":\"a", (byte[]) a.get()[1], "b\"}")));
        byte[] overlong = hex("C0 AF");
        return Stream.concat(inData, Stream.of(
                Arguments.of("event", body("{\"channel\":\"x\",\"event\":\"e", overlong, "\",\"data\":1}")),
                Arguments.of("channel", body("{\"channel\":\"x", overlong, "\",\"data\":1}")),
                Arguments.of("a key in data", body("{\"channel\":\"x\",\"data\":{\"k", overlong, "\":1}}")),
                Arguments.of("the last byte", body("{\"channel\":\"x\",\"data\":1}", hex("C3"), ""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8Bodies")
    void refusesBytesThatAreNotUtf8(String where, byte[] body) {
        ProblemException refused = assertThrows(ProblemException.class, () -> PublishParser.parse(body, MAX_TTL));
        assertEquals(400, refused.problem().status());
    }

    /** Escapes that decode to half a surrogate pair: no UTF-8 encodes them, so no frame could carry them. */
    @ParameterizedTest
    @ValueSource(strings = { "\"\\ud800\"", "\"\\udc00\"", "\"a\\ud83dz\"", "\"\\ude00\\ud83d\"", "{\"\\ud800\":1}" })
    void refusesEscapesOfUnpairedSurrogates(String data) {
        assertThrows(ProblemException.class, () -> parse("{\"channel\":\"x\",\"data\":" + data + "}"));
    }

    @Test
    void refusesAnEventNameWithAnUnpairedSurrogate() {
        assertThrows(ProblemException.class, () -> parse("{\"channel\":\"x\",\"event\":\"e\\ud800\",\"data\":1}"));
    }

    @Test
    void keepsEveryValidCharacterWhetherSentAsUtf8OrEscaped() {
        assertEquals("\"caf\u00e9 \u20ac \ud83d\ude00 \uffff\"",
                parse("{\"channel\":\"x\",\"data\":\"caf\u00e9 \u20ac \ud83d\ude00 \uffff\"}").data());
        assertEquals("\"\ud83d\ude00\"", parse("{\"channel\":\"x\",\"data\":\"\\ud83d\\ude00\"}").data());
        assertEquals("\u00e9\ud83d\ude00", parse("{\"channel\":\"x\",\"event\":\"\u00e9\ud83d\ude00\",\"data\":1}").event());
    }

    private static byte[] hex(String bytes) {
        return java.util.HexFormat.ofDelimiter(" ").parseHex(bytes);
    }

    private static byte[] body(String before, byte[] hostile, String after) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(hostile);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void refusesMoreThanAHundredChannelsAndDataNestedTooDeep() {
        String channels = String.join(",", java.util.stream.IntStream.rangeClosed(0, PublishParser.MAX_CHANNELS)
                .mapToObj(i -> "\"c" + i + "\"").toList());
        assertThrows(ProblemException.class, () -> parse("{\"channels\":[" + channels + "],\"data\":1}"));
        assertThrows(ProblemException.class, () -> parse("{\"channel\":\"x\",\"data\":" + "[".repeat(70) + "]".repeat(70) + "}"));
        assertEquals("[[1]]", parse("{\"channel\":\"x\",\"data\":[[1]]}").data());
    }
}
