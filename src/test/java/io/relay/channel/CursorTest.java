package io.relay.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import io.relay.ClientCursor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {

    @Test
    void decodesWhatAClientBuildsFromTheReadme() {
        Cursor cursor = Cursor.parse(ClientCursor.of("v1\nuser:alice M-PCVZNU 42\nteam:ops+1 F7_oUk_E 0"));
        Map<ChannelName, StreamPosition> expected = new LinkedHashMap<>();
        expected.put(ChannelName.of("user:alice"), new StreamPosition("M-PCVZNU", 42));
        expected.put(ChannelName.of("team:ops+1"), new StreamPosition("F7_oUk_E", 0));
        assertEquals(expected, cursor.positions());
    }

    /** The browser client's tests build cursors from the same positions and compare them with these. */
    @Test
    void theBrowserClientsFixturesAreWhatTheServerEncodes() throws Exception {
        JsonArray cases = new JsonArray(Files.readString(Path.of("clients/js/test/fixtures/cursors.json")));
        assertTrue(cases.size() >= 3);
        for (Object item : cases) {
            JsonObject fixture = (JsonObject) item;
            Map<ChannelName, StreamPosition> positions = new LinkedHashMap<>();
            fixture.getJsonObject("positions").forEach(entry -> {
                JsonObject at = (JsonObject) entry.getValue();
                positions.put(ChannelName.of(entry.getKey()), new StreamPosition(at.getString("epoch"), at.getLong("offset")));
            });
            assertEquals(fixture.getString("cursor"), Cursor.of(positions).encode());
            assertEquals(positions, Cursor.parse(fixture.getString("cursor")).positions());
        }
    }

    @Test
    void encodesToTheDocumentedFormAndBack() {
        Map<ChannelName, StreamPosition> positions = new LinkedHashMap<>();
        positions.put(ChannelName.of("user:alice"), new StreamPosition("M-PCVZNU", 42));
        positions.put(ChannelName.of("broadcast"), new StreamPosition("ab_c", 7));
        Cursor cursor = Cursor.of(positions);
        assertEquals(ClientCursor.of("v1\nuser:alice M-PCVZNU 42\nbroadcast ab_c 7"), cursor.encode());
        assertEquals(cursor, Cursor.parse(cursor.encode()));
        assertTrue(cursor.encode().matches("[A-Za-z0-9_-]+"), "URL-safe without escaping");
    }

    @Test
    void carriesThePositionOfAChannelWithNoHistory() {
        Cursor cursor = Cursor.of(Map.of(ChannelName.of("user:alice"), StreamPosition.EMPTY));
        assertEquals(ClientCursor.of("v1\nuser:alice 0 0"), cursor.encode());
        assertEquals(cursor, Cursor.parse(cursor.encode()));
    }

    @Test
    void acceptsAnEmptyCursor() {
        assertTrue(Cursor.parse(ClientCursor.of("v1")).positions().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v2\nuser:alice abc 1", // unknown version
        "user:alice abc 1", // no version line
        "v1\nuser:alice abc", // missing offset
        "v1\nuser:alice abc 1 extra",
        "v1\nuser:alice abc -1",
        "v1\nuser:alice abc 01", // not canonical
        "v1\nuser:alice abc 1.5",
        "v1\nuser:alice abc 1234567890123456", // beyond what JavaScript holds exactly
        "v1\nuser:al ice abc 1",
        "v1\nuser/alice abc 1", // invalid channel
        "v1\nuser:alice ab.c 1", // invalid epoch
        "v1\nuser:alice  1",
        "v1\nuser:alice abc 1\nuser:alice abc 2", // listed twice
        "v1\n", // empty entry
    })
    void refusesAlteredContent(String text) {
        assertThrows(InvalidCursorException.class, () -> Cursor.parse(ClientCursor.of(text)));
    }

    @Test
    void refusesRandomBytes() {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[1 + random.nextInt(64)];
            random.nextBytes(bytes);
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            assertThrows(InvalidCursorException.class, () -> Cursor.parse(encoded));
        }
    }

    @Test
    void refusesTruncatedCursors() {
        String valid = ClientCursor.of("v1\nuser:alice M-PCVZNU 42\nbroadcast ab_c 7");
        for (int length = 0; length < valid.length(); length++) {
            String truncated = valid.substring(0, length);
            assertThrows(InvalidCursorException.class, () -> Cursor.parse(truncated), "cut at " + length);
        }
    }

    @Test
    void refusesAlteredCharacters() {
        String valid = ClientCursor.of("v1\nuser:alice M-PCVZNU 42");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < valid.length(); i++) {
            char replacement = alphabet.charAt((alphabet.indexOf(valid.charAt(i)) + 1) % alphabet.length());
            String altered = valid.substring(0, i) + replacement + valid.substring(i + 1);
            assertThrows(InvalidCursorException.class, () -> Cursor.parse(altered), "altered at " + i);
        }
    }

    @Test
    void refusesAWrongChecksum() {
        String body = "v1\nuser:alice abc 1\n";
        String encoded = Base64.getUrlEncoder().withoutPadding()
                .encodeToString((body + "00000000").getBytes(StandardCharsets.US_ASCII));
        assertThrows(InvalidCursorException.class, () -> Cursor.parse(encoded));
    }

    @Test
    void refusesOversizedAndNonBase64() {
        assertThrows(InvalidCursorException.class, () -> Cursor.parse("A".repeat(5 * 1024)));
        assertThrows(InvalidCursorException.class, () -> Cursor.parse("not base64!"));
        assertThrows(InvalidCursorException.class, () -> Cursor.parse(""));
    }
}
