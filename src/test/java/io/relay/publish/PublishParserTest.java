package io.relay.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.engine.PublishRequest;
import io.relay.problem.ProblemException;

/** The publish body, read in one streaming pass: what it keeps of data, and what it refuses. */
class PublishParserTest {

    private static PublishRequest parse(String body) {
        return PublishParser.parse(body.getBytes(StandardCharsets.UTF_8));
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

    @Test
    void refusesMoreThanAHundredChannelsAndDataNestedTooDeep() {
        String channels = String.join(",", java.util.stream.IntStream.rangeClosed(0, PublishParser.MAX_CHANNELS)
                .mapToObj(i -> "\"c" + i + "\"").toList());
        assertThrows(ProblemException.class, () -> parse("{\"channels\":[" + channels + "],\"data\":1}"));
        assertThrows(ProblemException.class, () -> parse("{\"channel\":\"x\",\"data\":" + "[".repeat(70) + "]".repeat(70) + "}"));
        assertEquals("[[1]]", parse("{\"channel\":\"x\",\"data\":[[1]]}").data());
    }
}
