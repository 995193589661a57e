package io.relay.channel;

/** A string that is not a valid channel name; its text is kept short because it echoes client input. */
public class InvalidChannelException extends IllegalArgumentException {

    public InvalidChannelException(String value) {
        super("invalid channel name " + quote(value)
                + ": 1 to 128 characters of A-Z a-z 0-9 _ - . : @ = +");
    }

    private static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        StringBuilder out = new StringBuilder("'");
        shown.codePoints().forEach(cp -> out.append(cp >= 0x20 && cp < 0x7f ? Character.toString(cp) : "?"));
        return out.append('\'').toString();
    }
}
