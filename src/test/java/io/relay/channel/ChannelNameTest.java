package io.relay.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelNameTest {

    @ParameterizedTest
    @ValueSource(strings = { "a", "broadcast", "user:alice", "team:ops.eu-1", "A_Z=0+9@x" })
    void acceptsTheContractAlphabet(String name) {
        assertTrue(ChannelName.isValid(name));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "a b", "a/b", "a*", "ünï", "a\nb", "<script>", "a,b" })
    void refusesAnythingElse(String name) {
        assertFalse(ChannelName.isValid(name));
        assertThrows(InvalidChannelException.class, () -> ChannelName.of(name));
    }

    @Test
    void limitsTheLengthTo128() {
        assertTrue(ChannelName.isValid("x".repeat(128)));
        assertFalse(ChannelName.isValid("x".repeat(129)));
    }

    @Test
    void knowsTheOwnerOfAPersonalChannel() {
        ChannelName personal = ChannelName.personal("alice");
        assertTrue(personal.isPersonal());
        assertEquals("alice", personal.owner());
        assertFalse(ChannelName.of("team:a").isPersonal());
    }

    @Test
    void errorMessageDoesNotEchoControlCharacters() {
        InvalidChannelException e = assertThrows(InvalidChannelException.class, () -> ChannelName.of("a\u0000\nb"));
        assertFalse(e.getMessage().contains("\n"));
    }
}
