package io.relay.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class PublisherKeysTest {

    private final PublisherKeys keys = new PublisherKeys(List.of("current-key", " next-key "));

    @Test
    void acceptsEveryConfiguredKeySoKeysCanRotate() {
        assertEquals(0, keys.match("Bearer current-key"));
        assertEquals(1, keys.match("Bearer next-key"));
        assertEquals(0, keys.match("bearer current-key"));
    }

    @Test
    void refusesUnknownMissingAndMalformedCredentials() {
        assertEquals(-1, keys.match(null));
        assertEquals(-1, keys.match(""));
        assertEquals(-1, keys.match("Bearer "));
        assertEquals(-1, keys.match("Bearer current-ke"));
        assertEquals(-1, keys.match("Bearer current-key2"));
        assertEquals(-1, keys.match("Basic current-key"));
        assertEquals(-1, keys.match("current-key"));
    }

    @Test
    void noKeysAcceptsNothing() {
        assertEquals(-1, new PublisherKeys(List.of()).match("Bearer "));
        assertEquals(-1, new PublisherKeys(List.of("")).match("Bearer "));
    }
}
