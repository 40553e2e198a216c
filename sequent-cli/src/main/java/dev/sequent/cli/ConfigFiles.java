package dev.sequent.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads YAML configs into flat {@code section.key = value} settings (lists become comma-separated), applies
 * {@code --set key=value} overrides, and remembers where each setting came from ("configs/x.yaml line 12",
 * "--set"), so that an error about a setting can point at the line to fix.
 *
 * <p>RecBole users may write a few RecBole names at the top level of a file (or in {@code --set}); they are
 * mapped to Sequent's keys, see {@link #ALIASES}.
 */
public final class ConfigFiles {
  private ConfigFiles() {}

  /** RecBole names and the Sequent settings they stand for. */
  static final Map<String, String> ALIASES = aliases();

  private static Map<String, String> aliases() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("MAX_ITEM_LIST_LENGTH", "data.max_length");
    m.put("epochs", "train.epochs");
    m.put("train_batch_size", "train.train_batch_size");
    m.put("learning_rate", "train.learning_rate");
    m.put("weight_decay", "train.weight_decay");
    m.put("stopping_step", "train.stopping_step");
    m.put("valid_metric", "train.valid_metric");
    m.put("loss_type", "train.loss");
    m.put("eval_batch_size", "eval.batch_size");
    m.put("topk", "eval.ks");
    m.put("model", "model.name");
    return m;
  }

  /** Flat settings and, for each key, where it was set. */
  public record Settings(Map<String, String> values, Map<String, String> origins) {
    public Settings {
      values = new LinkedHashMap<>(values);
      origins = new LinkedHashMap<>(origins);
    }

    /** "configs/x.yaml line 12" or "--set train.epochs=3", or null when the key was not set. */
    public String origin(String key) {
      return origins.get(key);
    }
  }

  /** Reads a YAML file into flat settings. */
  public static Map<String, String> read(Path file) throws IOException {
    return load(file).values();
  }

  /** Reads a YAML file into flat settings with their line numbers. */
  public static Settings load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserException("config file " + file + " does not exist");
    }
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try (JsonParser parser = new YAMLFactory().createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new Settings(values, origins);
      }
      if (first != JsonToken.START_OBJECT) {
        throw new UserException("config file " + file + " must hold sections such as data:, model:, train:");
      }
      readObject(parser, "", file, values, origins);
    } catch (JsonProcessingException e) {
      throw new UserException("config file " + file + " is not valid YAML"
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")") + ": "
          + e.getOriginalMessage());
    }
    return new Settings(values, origins);
  }

  /** Reads the fields of an object whose START_OBJECT was just read; nested objects join keys with dots. */
  private static void readObject(JsonParser parser, String prefix, Path file, Map<String, String> values,
                                 Map<String, String> origins) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      int line = parser.currentTokenLocation().getLineNr();
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_OBJECT) {
        readObject(parser, prefix.isEmpty() ? name : prefix + "." + name, file, values, origins);
        continue;
      }
      // RecBole names are flat, so only top-level plain values are aliases ("model:" is also a section).
      String key = prefix.isEmpty() ? canonical(name) : prefix + "." + name;
      String value;
      if (token == JsonToken.START_ARRAY) {
        StringBuilder sb = new StringBuilder();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
          if (item == JsonToken.START_OBJECT || item == JsonToken.START_ARRAY) {
            throw new UserException(file + " line " + line + ": '" + key + "' must be a list of plain values");
          }
          sb.append(sb.length() == 0 ? "" : ",").append(item == JsonToken.VALUE_NULL ? "" : parser.getText());
        }
        value = sb.toString();
      } else {
        value = token == JsonToken.VALUE_NULL ? "" : parser.getText();
      }
      String where = file + " line " + line;
      if (values.containsKey(key)) {
        throw new UserException(where + ": '" + key + "' is already set at " + origins.get(key));
      }
      values.put(key, value);
      origins.put(key, where);
    }
  }

  private static String canonical(String key) {
    return ALIASES.getOrDefault(key, key);
  }

  /** Applies {@code key=value} overrides on top of {@code base}. */
  public static Map<String, String> override(Map<String, String> base, List<String> assignments) {
    return override(new Settings(base, Map.of()), assignments).values();
  }

  /** Applies {@code key=value} overrides (RecBole aliases allowed), remembering them as their origin. */
  public static Settings override(Settings base, List<String> assignments) {
    Map<String, String> values = new LinkedHashMap<>(base.values());
    Map<String, String> origins = new LinkedHashMap<>(base.origins());
    for (String a : assignments) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new UserException("--set expects key=value, e.g. --set train.epochs=3; got '" + a + "'");
      }
      String key = canonical(a.substring(0, eq).trim());
      values.put(key, a.substring(eq + 1).trim());
      origins.put(key, "--set " + a);
    }
    return new Settings(values, origins);
  }

  /** {@code base} with every setting of a run folder's {@code config.properties} put over it. */
  static Settings withRunSettings(Settings base, Path properties) throws IOException {
    Map<String, String> values = new LinkedHashMap<>(base.values());
    Map<String, String> origins = new LinkedHashMap<>(base.origins());
    Experiment.readConfig(properties).forEach((key, value) -> {
      values.put(key, value);
      origins.put(key, properties.toString());
    });
    return new Settings(values, origins);
  }

  /**
   * The resolved settings as YAML, one section per prefix, so a run folder's {@code config.yaml} can be
   * given back to {@code sequent train}.
   */
  public static String toYaml(Map<String, String> settings, String header) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
      int dot = e.getKey().indexOf('.');
      sections.computeIfAbsent(e.getKey().substring(0, dot), s -> new TreeMap<>())
          .put(e.getKey().substring(dot + 1), e.getValue());
    }
    StringBuilder out = new StringBuilder();
    for (String line : header.split("\n")) {
      out.append("# ").append(line).append('\n');
    }
    for (String section : List.of("data", "model", "train", "eval")) {
      Map<String, String> keys = sections.remove(section);
      if (keys != null) {
        appendSection(out, section, keys);
      }
    }
    sections.forEach((section, keys) -> appendSection(out, section, keys));
    return out.toString();
  }

  private static void appendSection(StringBuilder out, String section, Map<String, String> keys) {
    out.append(section).append(":\n");
    keys.forEach((k, v) -> out.append("  ").append(k).append(": ").append(yamlScalar(v)).append('\n'));
  }

  /** Plain when YAML would read it back as the same text, otherwise single-quoted. */
  private static String yamlScalar(String v) {
    boolean plain = !v.isEmpty() && v.matches("[A-Za-z0-9_./@+-][A-Za-z0-9_./@+, -]*")
        && !v.endsWith(" ") && !List.of("null", "~", "yes", "no", "on", "off").contains(v.toLowerCase(Locale.ROOT));
    return plain ? v : "'" + v.replace("'", "''") + "'";
  }

  /**
   * Turns a {@link ConfigException} into a message that says where the setting came from; a setting nobody
   * set (a required one left empty) names the config file.
   */
  static UserException explain(ConfigException e, Settings settings, String configName) {
    String origin = settings.origin(e.key());
    String where = origin != null ? origin : configName;
    return new UserException(where + ": " + e.getMessage());
  }
}
