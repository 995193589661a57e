package io.relay.problem;

/** Client input echoed in an error message: quoted, at most 40 characters, printable ASCII only. */
public final class ClientText {

    private static final int MAX_SHOWN = 40;

    private ClientText() {
    }

    public static String quote(String text) {
        if (text == null) {
            return "(none)";
        }
        String shown = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
        StringBuilder out = new StringBuilder("'");
        shown.codePoints().forEach(cp -> out.append(cp >= 0x20 && cp < 0x7f ? Character.toString(cp) : "?"));
        return out.append('\'').toString();
    }
}
