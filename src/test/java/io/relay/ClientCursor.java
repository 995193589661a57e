package io.relay;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;

/** Builds a cursor the way docs/protocol.md tells client libraries to, independently of the server's code. */
public final class ClientCursor {

    private ClientCursor() {
    }

    /** {@code lines}: "v1" and one "channel epoch offset" line per channel, joined by newlines. */
    public static String of(String lines) {
        String text = lines + "\n";
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((text + String.format("%08x", crc.getValue())).getBytes(StandardCharsets.US_ASCII));
    }

    /** The offset {@code cursor} names for {@code channel}, or -1 when it names none. */
    public static long offset(String cursor, String channel) {
        for (String line : new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length == 3 && fields[0].equals(channel)) {
                return Long.parseLong(fields[2]);
            }
        }
        return -1;
    }

    /** A cursor for one channel at one position. */
    public static String at(String channel, String epoch, long offset) {
        return of("v1\n" + channel + " " + epoch + " " + offset);
    }
}
