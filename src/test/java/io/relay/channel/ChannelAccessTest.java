package io.relay.channel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChannelAccessTest {

    private final ChannelAccess access = new ChannelAccess(List.of("broadcast", "public:*"));
    private final List<ChannelPattern> grants = List.of(ChannelPattern.parse("team:*"), ChannelPattern.parse("orders"));

    @Test
    void personalChannelOnlyForItsOwner() {
        assertTrue(access.canRead("alice", List.of(), ChannelName.of("user:alice")));
        assertFalse(access.canRead("bob", List.of(), ChannelName.of("user:alice")));
    }

    @Test
    void grantsDoNotOpenOtherUsersPersonalChannels() {
        assertFalse(access.canRead("bob", List.of(ChannelPattern.parse("user:*")), ChannelName.of("user:alice")));
    }

    @Test
    void grantsMatchExactlyOrByPrefix() {
        assertTrue(access.canRead("a", grants, ChannelName.of("team:ops")));
        assertTrue(access.canRead("a", grants, ChannelName.of("orders")));
        assertFalse(access.canRead("a", grants, ChannelName.of("orders2")));
        assertFalse(access.canRead("a", grants, ChannelName.of("teams")));
    }

    @Test
    void publicPatternsAreOpenToEveryone() {
        assertTrue(access.canRead("a", List.of(), ChannelName.of("broadcast")));
        assertTrue(access.canRead("a", List.of(), ChannelName.of("public:news")));
        assertFalse(access.canRead("a", List.of(), ChannelName.of("secret")));
    }
}
