package io.relay.inbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.relay.problem.ClientText;
import io.relay.problem.Problem;
import io.relay.problem.ProblemException;

/**
 * Reads the bodies of the inbox's changes strictly: unknown fields, duplicate keys and values of the
 * wrong type are refused (400) rather than ignored, so a typo never marks something else.
 */
public final class InboxRequests {

    static final int MAX_IDS = 1000;
    static final int MAX_ID_LENGTH = 128;
    private static final Set<String> MARK_FIELDS = Set.of("ids", "all", "read", "archived");
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).build())
            .build()).build();

    private InboxRequests() {
    }

    /** The flags a PATCH sets: {@code read}, {@code archived} or both (null: left as it is). */
    record Flags(Boolean read, Boolean archived) {
    }

    static Flags flags(byte[] body) {
        Map<String, JsonNode> fields = object(body, Set.of("read", "archived"));
        Boolean read = bool(fields, "read");
        Boolean archived = bool(fields, "archived");
        if (read == null && archived == null) {
            throw invalid("give read, archived or both (true or false)");
        }
        return new Flags(read, archived);
    }

    static InboxMark mark(byte[] body) {
        return mark(object(body, MARK_FIELDS));
    }

    /**
     * The WebSocket op {@code {"op":"inbox.mark",...}}: the fields of {@code POST /api/v1/inbox/mark}.
     * Throws {@link ProblemException} (400) as that endpoint answers.
     */
    public static InboxMark markOp(JsonNode op) {
        Set<String> known = new java.util.HashSet<>(MARK_FIELDS);
        known.add("op");
        return mark(fields(op, known));
    }

    private static InboxMark mark(Map<String, JsonNode> fields) {
        Boolean read = bool(fields, "read");
        Boolean archived = bool(fields, "archived");
        if ((read == null) == (archived == null)) {
            throw invalid("give read or archived (true or false), not both");
        }
        InboxMark.Flag flag = read != null ? InboxMark.Flag.READ : InboxMark.Flag.ARCHIVED;
        boolean value = read != null ? read : archived;
        JsonNode all = fields.get("all");
        JsonNode ids = fields.get("ids");
        if ((all == null) == (ids == null)) {
            throw invalid("give ids (an array of 1 to " + MAX_IDS + " item ids) or all:true, not both");
        }
        if (all != null) {
            if (!all.isBoolean() || !all.booleanValue()) {
                throw invalid("all must be true");
            }
            return new InboxMark(null, flag, value);
        }
        return new InboxMark(ids(ids), flag, value);
    }

    private static List<String> ids(JsonNode ids) {
        String rule = "ids must be an array of 1 to " + MAX_IDS + " item ids";
        if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_IDS) {
            throw invalid(rule);
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                throw invalid(rule + " (strings)");
            }
            distinct.add(id(id.textValue()));
        }
        return new ArrayList<>(distinct);
    }

    /** An item id as a path or field gives it: 1 to 128 visible ASCII characters, as notification ids are. */
    static String id(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw invalid("an item id is 1 to " + MAX_ID_LENGTH + " visible ASCII characters");
        }
        return id;
    }

    private static Map<String, JsonNode> object(byte[] body, Set<String> known) {
        JsonNode root;
        try (JsonParser parser = JSON.createParser(body)) {
            root = JSON.readTree(parser);
            if (root == null || parser.nextToken() != null) {
                throw invalid("the body must be one JSON object");
            }
        } catch (IOException e) {
            throw invalid("the body is not valid JSON");
        }
        if (!root.isObject()) {
            throw invalid("the body must be a JSON object");
        }
        return fields(root, known);
    }

    private static Map<String, JsonNode> fields(JsonNode root, Set<String> known) {
        Map<String, JsonNode> fields = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!known.contains(field.getKey())) {
                throw invalid("unknown field " + ClientText.quote(field.getKey()) + ": the fields are "
                        + String.join(", ", known.stream().sorted().toList()));
            }
            fields.put(field.getKey(), field.getValue());
        }
        return fields;
    }

    private static Boolean bool(Map<String, JsonNode> fields, String name) {
        JsonNode value = fields.get(name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalid(name + " must be true or false");
        }
        return value.booleanValue();
    }

    static ProblemException invalid(String detail) {
        return Problem.INVALID_REQUEST.exception(detail);
    }
}
