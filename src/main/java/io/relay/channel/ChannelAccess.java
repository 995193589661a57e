package io.relay.channel;

import java.util.List;

/**
 * Who may read which channel. A personal channel {@code user:<id>} is readable only by {@code <id>},
 * whatever the grants say; any other channel when a token grant or a public pattern matches it.
 */
public final class ChannelAccess {

    private final List<ChannelPattern> publicPatterns;

    public ChannelAccess(List<String> publicPatterns) {
        this.publicPatterns = publicPatterns.stream().map(ChannelPattern::parse).toList();
    }

    public boolean canRead(String userId, List<ChannelPattern> grants, ChannelName channel) {
        if (channel.isPersonal()) {
            return channel.owner().equals(userId);
        }
        return matchesAny(grants, channel) || matchesAny(publicPatterns, channel);
    }

    private static boolean matchesAny(List<ChannelPattern> patterns, ChannelName channel) {
        for (ChannelPattern pattern : patterns) {
            if (pattern.matches(channel)) {
                return true;
            }
        }
        return false;
    }
}
