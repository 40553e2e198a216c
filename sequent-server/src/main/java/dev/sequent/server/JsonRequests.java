package dev.sequent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and checks request bodies. Every problem is a {@link BadRequestException} whose message names the
 * field and what was expected, e.g. {@code "k must be an integer in 1..1000, got 0"}.
 */
final class JsonRequests {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonRequests() {}

  /** The body as a JSON object with no fields outside {@code allowed}. */
  static JsonNode object(byte[] body, Set<String> allowed) {
    if (body == null || body.length == 0) {
      throw new BadRequestException("the request body is empty; expected a JSON object");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestException("unreadable body: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequestException("the body must be a JSON object, got " + kind(root));
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new BadRequestException("unknown field '" + name + "'; valid fields: " + new TreeSet<>(allowed));
      }
    }
    return root;
  }

  /** An item id: a JSON string, or an integer (written as its decimal text, e.g. 1193 → "1193"). */
  static String itemId(JsonNode node, String where) {
    if (node != null && node.isTextual()) {
      return node.textValue();
    }
    if (node != null && node.isIntegralNumber()) {
      return node.bigIntegerValue().toString();
    }
    throw new BadRequestException(where + " must be an item id (a string or an integer), got " + kind(node));
  }

  /** A list of item ids; empty when absent and not required. */
  static List<String> itemIds(JsonNode root, String field, boolean required) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw new BadRequestException("'" + field + "' is required: a list of item ids");
      }
      return List.of();
    }
    if (!node.isArray()) {
      throw new BadRequestException("'" + field + "' must be a list of item ids, got " + kind(node));
    }
    List<String> ids = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      ids.add(itemId(node.get(i), field + "[" + i + "]"));
    }
    return ids;
  }

  static int integer(JsonNode root, String field, int fallback, int min, int max) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
      throw new BadRequestException(field + " must be an integer in " + min + ".." + max + ", got "
          + (node.isValueNode() ? node.toString() : kind(node)));
    }
    return node.intValue();
  }

  static boolean bool(JsonNode root, String field, boolean fallback) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw new BadRequestException(field + " must be true or false, got " + kind(node));
    }
    return node.booleanValue();
  }

  static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new BadRequestException(field + " must be a string, got " + kind(node));
    }
    return node.textValue();
  }

  /** Query-string integer with the same message style. */
  static int queryInteger(String name, String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(value.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRequestException(name + " must be an integer in " + min + ".." + max + ", got '" + value + "'");
  }

  static boolean queryBool(String name, String value, boolean fallback) {
    if (value == null) {
      return fallback;
    }
    return switch (value.trim()) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new BadRequestException(name + " must be true or false, got '" + value + "'");
    };
  }

  private static String kind(JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isNumber()) {
      return "the number " + node;
    }
    if (node.isBoolean()) {
      return node.toString();
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.isObject() ? "an object" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
