package dev.sequent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML configs into flat {@code section.key = value} settings (lists become comma-separated), and
 * applies {@code --set key=value} overrides.
 */
public final class ConfigFiles {
  private ConfigFiles() {}

  public static Map<String, String> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserException("config file " + file + " does not exist");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new UserException("config file " + file + " is not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root != null && !root.isNull()) {
      if (!root.isObject()) {
        throw new UserException("config file " + file + " must hold sections such as data:, model:, train:");
      }
      flatten("", root, flat, file);
    }
    return flat;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into, Path file) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into, file);
      }
    } else if (node.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode item : node) {
        if (item.isContainerNode()) {
          throw new UserException("config file " + file + ": '" + prefix + "' must be a list of plain values");
        }
        sb.append(sb.length() == 0 ? "" : ",").append(item.asText());
      }
      into.put(prefix, sb.toString());
    } else {
      into.put(prefix, node.isNull() ? "" : node.asText());
    }
  }

  /** Applies {@code key=value} overrides on top of {@code base}. */
  public static Map<String, String> override(Map<String, String> base, List<String> assignments) {
    Map<String, String> out = new LinkedHashMap<>(base);
    for (String a : assignments) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new UserException("--set expects key=value, got '" + a + "'");
      }
      out.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
    }
    return out;
  }
}
