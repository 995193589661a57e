package io.relay.publish;

import static io.relay.publish.PublishParser.invalid;

import java.io.IOException;
import java.nio.CharBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import io.relay.problem.ClientText;
import io.relay.problem.ProblemException;

/**
 * Reads a batch body {@code {"notifications":[...]}}. The envelope is read first, with each item
 * only skipped over to find where it lies in the text; then each item is read by
 * {@link PublishParser} on its own, so an invalid item gets its own problem and the others are
 * still read. Malformed JSON anywhere, or a malformed envelope, refuses the whole batch.
 */
final class BatchParser {

    static final int MAX_ITEMS = 100;
    private static final String RULE = "the body must be a JSON object with notifications, an array of 1 to "
            + MAX_ITEMS + " publish bodies";
    /** Duplicate keys inside an item are the item's own fault, found when the item is read. */
    private static final JsonFactory ENVELOPE = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(PublishParser.MAX_DEPTH + 2).build())
            .build();

    private BatchParser() {
    }

    /** One item of a batch: the publish it asks for, or why it is refused. */
    record Item(PublishParser.ParsedPublish publish, ProblemException refused) {
    }

    /**
     * The items in order; an item whose text is over {@code maxItemBytes} of UTF-8 is refused with
     * {@code tooLarge}, one whose {@code ttl} is over {@code maxTtl} as invalid.
     */
    static List<Item> parse(byte[] body, int maxItemBytes, ProblemException tooLarge, Duration maxTtl) {
        CharBuffer text = PublishParser.text(body);
        char[] chars = text.array();
        try (JsonParser json = ENVELOPE.createParser(chars, text.arrayOffset() + text.position(), text.remaining())) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(RULE);
            }
            List<Item> items = null;
            for (JsonToken token = json.nextToken(); token != JsonToken.END_OBJECT; token = json.nextToken()) {
                String name = json.currentName();
                JsonToken value = json.nextToken();
                if (!name.equals("notifications")) {
                    throw invalid("unknown field " + ClientText.quote(name) + ": " + RULE);
                }
                if (items != null) {
                    throw invalid("notifications is given twice");
                }
                items = items(json, value, chars, maxItemBytes, tooLarge, maxTtl);
            }
            if (json.nextToken() != null) {
                throw invalid("the body is not valid JSON: content after the object");
            }
            if (items == null) {
                throw invalid(RULE);
            }
            return items;
        } catch (JsonProcessingException e) {
            throw invalid("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("the body could not be read");
        }
    }

    private static List<Item> items(JsonParser json, JsonToken value, char[] chars, int maxItemBytes,
            ProblemException tooLarge, Duration maxTtl) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw invalid(RULE);
        }
        List<Item> items = new ArrayList<>();
        for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY; element = json.nextToken()) {
            if (items.size() == MAX_ITEMS) {
                throw invalid(RULE);
            }
            int start = (int) json.currentTokenLocation().getCharOffset();
            json.skipChildren();
            if (element != JsonToken.START_OBJECT) {
                items.add(new Item(null, invalid("each notification must be a JSON object")));
                continue;
            }
            int length = (int) json.currentTokenLocation().getCharOffset() + 1 - start;
            items.add(utf8Length(chars, start, length) > maxItemBytes ? new Item(null, tooLarge)
                    : item(chars, start, length, maxTtl));
        }
        if (items.isEmpty()) {
            throw invalid(RULE);
        }
        return items;
    }

    private static Item item(char[] chars, int start, int length, Duration maxTtl) {
        try {
            return new Item(PublishParser.read(chars, start, length, true, maxTtl), null);
        } catch (ProblemException refused) {
            return new Item(null, refused);
        }
    }

    /** How many bytes the text takes as UTF-8, as if it had been sent alone. */
    private static long utf8Length(char[] chars, int start, int length) {
        long bytes = 0;
        for (int i = start; i < start + length; i++) {
            char c = chars[i];
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
