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

    /** A cursor for one channel at one position. */
    public static String at(String channel, String epoch, long offset) {
        return of("v1\n" + channel + " " + epoch + " " + offset);
    }
}
