package io.relay.channel;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A resume position over several channels: per channel, the epoch and the last offset seen. It is
 * what polling, long-polling and SSE hand out and what every transport (including {@code /ws})
 * accepts, so a client can move between transports without a gap.
 *
 * <p>Encoding (version 1), documented in docs/protocol.md so client libraries can build one from the
 * notifications they received: the base64url text, without padding, of the ASCII lines
 * <pre>
 * v1
 * &lt;channel&gt; &lt;epoch&gt; &lt;offset&gt;
 * ...
 * &lt;crc&gt;
 * </pre>
 * each ended by {@code \n} except the last, where {@code <crc>} is the CRC-32 (8 lower-case hex
 * digits) of everything before it. Channel names and epochs cannot contain spaces or line breaks, so
 * no escaping is needed. The checksum catches a truncated or altered cursor, which would otherwise
 * still parse as a different position. The cursor is not signed (a client must be able to build
 * one); it names only positions, and each channel in it is authorised like any other, so a forged
 * cursor gains nothing. Anything that does not parse exactly is refused.
 */
public final class Cursor {

    public static final int MAX_LENGTH = 4096;
    private static final String VERSION = "v1";
    private static final int MAX_EPOCH_LENGTH = 64;
    /** Offsets stay within what JavaScript numbers hold exactly. */
    private static final int MAX_OFFSET_DIGITS = 15;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final Map<ChannelName, StreamPosition> positions;

    private Cursor(Map<ChannelName, StreamPosition> positions) {
        this.positions = Collections.unmodifiableMap(positions);
    }

    public static Cursor of(Map<ChannelName, StreamPosition> positions) {
        for (StreamPosition position : positions.values()) {
            if (!isValidEpoch(position.epoch())) {
                throw new IllegalArgumentException("epoch cannot go in a cursor: " + position.epoch());
            }
        }
        return new Cursor(new LinkedHashMap<>(positions));
    }

    /** Positions in the order the cursor lists them. */
    public Map<ChannelName, StreamPosition> positions() {
        return positions;
    }

    public String encode() {
        return encode(positions);
    }

    /** Encodes positions whose epochs came from an engine or a parsed cursor (valid by construction). */
    public static String encode(Map<ChannelName, StreamPosition> positions) {
        StringBuilder text = new StringBuilder(24 + positions.size() * 48).append(VERSION).append('\n');
        positions.forEach((channel, position) -> text.append(channel.value()).append(' ')
                .append(position.epoch()).append(' ').append(position.offset()).append('\n'));
        text.append(checksum(text));
        return ENCODER.encodeToString(text.toString().getBytes(StandardCharsets.US_ASCII));
    }

    public static Cursor parse(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            throw new InvalidCursorException("empty");
        }
        if (encoded.length() > MAX_LENGTH) {
            throw new InvalidCursorException("longer than " + MAX_LENGTH + " characters");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException("not base64url");
        }
        // the decoder ignores the spare bits of the last character: only the canonical form is a cursor
        if (!ENCODER.encodeToString(bytes).equals(encoded)) {
            throw new InvalidCursorException("not canonical base64url without padding");
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int lastLine = text.lastIndexOf('\n') + 1;
        if (lastLine == 0 || !text.substring(lastLine).equals(checksum(text.substring(0, lastLine)))) {
            throw new InvalidCursorException("truncated or altered (checksum mismatch)");
        }
        String[] lines = text.substring(0, lastLine - 1).split("\n", -1);
        if (!VERSION.equals(lines[0])) {
            throw new InvalidCursorException("unknown version");
        }
        Map<ChannelName, StreamPosition> positions = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(" ", -1);
            if (fields.length != 3 || !ChannelName.isValid(fields[0]) || !isValidEpoch(fields[1])
                    || !isValidOffset(fields[2])) {
                throw new InvalidCursorException("entry " + i + " is not <channel> <epoch> <offset>");
            }
            if (positions.put(ChannelName.of(fields[0]), new StreamPosition(fields[1], Long.parseLong(fields[2]))) != null) {
                throw new InvalidCursorException("channel listed twice");
            }
        }
        return new Cursor(positions);
    }

    /** CRC-32 of the text, as 8 lower-case hex digits. */
    private static String checksum(CharSequence text) {
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        return String.format("%08x", crc.getValue());
    }

    /** Epochs are 1 to 64 characters of {@code A-Z a-z 0-9 _ -}. */
    public static boolean isValidEpoch(String epoch) {
        if (epoch == null || epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
            return false;
        }
        for (int i = 0; i < epoch.length(); i++) {
            char c = epoch.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidOffset(String offset) {
        if (offset.isEmpty() || offset.length() > MAX_OFFSET_DIGITS || (offset.length() > 1 && offset.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < offset.length(); i++) {
            if (offset.charAt(i) < '0' || offset.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cursor cursor && positions.equals(cursor.positions);
    }

    @Override
    public int hashCode() {
        return positions.hashCode();
    }

    @Override
    public String toString() {
        return "Cursor" + positions;
    }
}
