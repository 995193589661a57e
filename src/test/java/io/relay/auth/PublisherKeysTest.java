package io.relay.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PublisherKeysTest {

    private final PublisherKeys keys = new PublisherKeys(List.of("current-key", " next-key "));

    @Test
    void acceptsEveryConfiguredKeySoKeysCanRotate() {
        assertTrue(keys.accepts("Bearer current-key"));
        assertTrue(keys.accepts("Bearer next-key"));
        assertTrue(keys.accepts("bearer current-key"));
    }

    @Test
    void refusesUnknownMissingAndMalformedCredentials() {
        assertFalse(keys.accepts(null));
        assertFalse(keys.accepts(""));
        assertFalse(keys.accepts("Bearer "));
        assertFalse(keys.accepts("Bearer current-ke"));
        assertFalse(keys.accepts("Bearer current-key2"));
        assertFalse(keys.accepts("Basic current-key"));
        assertFalse(keys.accepts("current-key"));
    }

    @Test
    void noKeysAcceptsNothing() {
        assertFalse(new PublisherKeys(List.of()).accepts("Bearer "));
        assertFalse(new PublisherKeys(List.of("")).accepts("Bearer "));
    }
}
