package io.relay.channel;

/**
 * A validated channel name: 1 to 128 characters of {@code A-Z a-z 0-9 _ - . : @ = +}. Channels named
 * {@code user:<id>} are personal: only the subscriber whose token {@code sub} is {@code <id>} reads them.
 */
public record ChannelName(String value) implements Comparable<ChannelName> {

    public static final int MAX_LENGTH = 128;
    /** The rule, as error messages state it. */
    public static final String RULE = "1 to 128 characters of A-Z a-z 0-9 _ - . : @ = +";
    private static final String PERSONAL_PREFIX = "user:";
    /** The longest {@code sub} that still names a personal channel. */
    public static final int MAX_USER_ID_LENGTH = MAX_LENGTH - PERSONAL_PREFIX.length();

    public ChannelName {
        if (!isValid(value)) {
            throw new InvalidChannelException(value);
        }
    }

    public static ChannelName of(String value) {
        return new ChannelName(value);
    }

    public static ChannelName personal(String userId) {
        return new ChannelName(PERSONAL_PREFIX + userId);
    }

    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isAllowed(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.' || c == ':' || c == '@' || c == '=' || c == '+';
    }

    /**
     * Whether {@code userId} can name a personal channel, i.e. can be a subscriber's {@code sub}: 1 to
     * {@link #MAX_USER_ID_LENGTH} characters of the channel alphabet. An empty one would name {@code user:}, which is nobody.
     */
    public static boolean isValidUserId(String userId) {
        return userId != null && !userId.isEmpty() && isValid(PERSONAL_PREFIX + userId);
    }

    public boolean isPersonal() {
        return value.startsWith(PERSONAL_PREFIX);
    }

    /** The user a personal channel belongs to; only meaningful when {@link #isPersonal()}. */
    public String owner() {
        return value.substring(PERSONAL_PREFIX.length());
    }

    @Override
    public int compareTo(ChannelName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
