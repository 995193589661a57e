package io.relay.transport.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.TestTokens;

/**
 * RFC 6455 framing from a raw socket, in the manner of the Autobahn test suite: fragmented messages,
 * control frames between fragments, UTF-8 checked across fragment boundaries, close frames, and the
 * close code each broken peer gets (1002 protocol error, 1007 not UTF-8, 1009 too big, 1003 binary).
 * The test profile's {@code relay.ws.max-frame-bytes} is 4096.
 */
@QuarkusTest
class WsFramingTest {

    private static final int FIN = 0x80;
    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final byte[] PING_OP = "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8);

    @TestHTTPResource("/")
    URI base;

    static Stream<Arguments> brokenPeers() {
        return Stream.of(
                broken("continuation without a message", 1002, frame(FIN | CONTINUATION, PING_OP)),
                broken("text frame inside a fragmented message", 1002, frame(TEXT, part(0, 5)), frame(FIN | TEXT, PING_OP)),
                broken("fragmented ping", 1002, frame(PING, bytes("a"))),
                broken("ping payload over 125 bytes", 1002, frame(FIN | PING, new byte[126])),
                broken("reserved bit without an extension", 1002, frame(FIN | 0x40 | TEXT, PING_OP)),
                broken("reserved data opcode", 1002, frame(FIN | 0x3, PING_OP)),
                broken("reserved control opcode", 1002, frame(FIN | 0xB, new byte[0])),
                broken("unmasked frame", 1002, RawPeer.frame(FIN | TEXT, PING_OP, false)),
                broken("overlong / in a text frame", 1007, frame(FIN | TEXT, hex("7B C0 AF 7D"))),
                broken("encoded surrogate in a text frame", 1007, frame(FIN | TEXT, hex("22 ED A0 80 22"))),
                broken("code point above U+10FFFF", 1007, frame(FIN | TEXT, hex("F4 90 80 80"))),
                broken("invalid UTF-8 in a later fragment", 1007, frame(TEXT, part(0, 5)), frame(FIN | CONTINUATION, hex("C1 BF"))),
                broken("sequence broken across fragments", 1007, frame(TEXT, hex("22 F0 9F")), frame(FIN | CONTINUATION, hex("28 22"))),
                broken("message ending inside a sequence", 1007, frame(TEXT, hex("22 61")), frame(FIN | CONTINUATION, hex("E2 82"))),
                broken("invalid UTF-8 with a ping between fragments", 1007, frame(TEXT, hex("22 E2")),
                        frame(FIN | PING, bytes("p")), frame(FIN | CONTINUATION, hex("28 22"))),
                broken("close with a 1-byte payload", 1002, frame(FIN | CLOSE, hex("03"))),
                broken("close code 0", 1002, close(0, "")),
                broken("close code 999", 1002, close(999, "")),
                broken("close code 1004", 1002, close(1004, "")),
                broken("close code 1005", 1002, close(1005, "")),
                broken("close code 1006", 1002, close(1006, "")),
                broken("close code 1015", 1002, close(1015, "")),
                broken("close code 1016", 1002, close(1016, "")),
                broken("close code 2999", 1002, close(2999, "")),
                broken("close reason not UTF-8", 1007, closeWithReason(1000, hex("CE BA E1 BD B9 CF 83 ED A0 80"))),
                broken("fragmented message over the limit", 1009, frame(TEXT, new byte[2000]),
                        frame(CONTINUATION, new byte[2000]), frame(FIN | CONTINUATION, new byte[2000])),
                broken("frame over the limit", 1009, frame(FIN | TEXT, new byte[5000])),
                broken("binary frame", 1003, frame(FIN | BINARY, new byte[] { 1 })),
                broken("fragmented binary message", 1003, frame(BINARY, new byte[] { 1 }), frame(FIN | CONTINUATION, new byte[] { 2 })));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("brokenPeers")
    void failsABrokenPeerWithTheRightCloseCode(String peer, int code, List<byte[]> frames) throws IOException {
        try (RawPeer client = connect()) {
            client.send(frames.toArray(byte[][]::new));
            assertEquals(code, client.readUntilClose());
        }
    }

    @Test
    void assemblesAFragmentedMessage() throws IOException {
        try (RawPeer client = connect()) {
            client.send(frame(TEXT, part(0, 3)), frame(CONTINUATION, part(3, 8)), frame(FIN | CONTINUATION, part(8, PING_OP.length)));
            assertEquals("{\"type\":\"pong\"}", client.read(TEXT).text());
        }
    }

    @Test
    void answersAPingBetweenFragmentsAndThenTheMessage() throws IOException {
        try (RawPeer client = connect()) {
            client.send(frame(TEXT, part(0, 5)), frame(FIN | PING, bytes("between")), frame(FIN | CONTINUATION, part(5, PING_OP.length)));
            assertArrayEquals(bytes("between"), client.read(PONG).payload());
            assertEquals("{\"type\":\"pong\"}", client.read(TEXT).text());
        }
    }

    @Test
    void acceptsACharacterSplitAcrossFragments() throws IOException {
        byte[] op = "{\"op\":\"ping\",\"note\":\"caf\u00e9 \ud83d\ude00\"}".getBytes(StandardCharsets.UTF_8);
        int inAcute = op.length - 8;
        int inEmoji = op.length - 4;
        try (RawPeer client = connect()) {
            client.send(frame(TEXT, slice(op, 0, inAcute)), frame(CONTINUATION, slice(op, inAcute, inEmoji)),
                    frame(FIN | CONTINUATION, slice(op, inEmoji, op.length)));
            // a pong proves the split characters were reassembled into the op; an error frame would not
            assertEquals("{\"type\":\"pong\"}", client.read(TEXT).text());
        }
    }

    @Test
    void echoesAValidClose() throws IOException {
        try (RawPeer client = connect()) {
            client.send(closeWithReason(1000, bytes("bye \u00e9")));
            assertEquals(1000, client.readUntilClose());
        }
        try (RawPeer client = connect()) {
            client.send(close(4999, ""));
            assertEquals(4999, client.readUntilClose());
        }
    }

    private RawPeer connect() throws IOException {
        RawPeer client = RawPeer.connect(base, TestTokens.valid("framing"));
        assertEquals(TEXT, client.read().opcode()); // the welcome
        return client;
    }

    private static Arguments broken(String peer, int code, byte[]... frames) {
        return Arguments.of(peer, code, List.of(frames));
    }

    private static byte[] frame(int head, byte[] payload) {
        return RawPeer.frame(head, payload, true);
    }

    private static byte[] close(int code, String reason) {
        return closeWithReason(code, bytes(reason));
    }

    private static byte[] closeWithReason(int code, byte[] reason) {
        return frame(FIN | CLOSE, ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array());
    }

    private static byte[] part(int from, int to) {
        return slice(PING_OP, from, to);
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, from, to - from);
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String bytes) {
        return HexFormat.ofDelimiter(" ").parseHex(bytes);
    }
}
