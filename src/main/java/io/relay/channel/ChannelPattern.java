package io.relay.channel;

/** A channel grant: an exact name, or a prefix when it ends in {@code *} ({@code team:*}). */
public record ChannelPattern(String prefix, boolean wildcard) {

    public static ChannelPattern parse(String pattern) {
        if (pattern.endsWith("*")) {
            return new ChannelPattern(pattern.substring(0, pattern.length() - 1), true);
        }
        return new ChannelPattern(pattern, false);
    }

    public boolean matches(ChannelName channel) {
        return wildcard ? channel.value().startsWith(prefix) : channel.value().equals(prefix);
    }
}
