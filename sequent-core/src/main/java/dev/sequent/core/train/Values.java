package dev.sequent.core.train;

import java.util.Map;

/** Typed reads from a flat string map, with errors that name the key and the bad value. */
public final class Values {
  private final Map<String, String> map;

  public Values(Map<String, String> map) {
    this.map = map;
  }

  public String string(String key) {
    String v = map.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing option '" + key + "'");
    }
    return v.trim();
  }

  public int integer(String key) {
    String v = string(key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  public long longValue(String key) {
    String v = string(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  public double number(String key) {
    String v = string(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option '" + key + "' must be a number, got '" + v + "'");
    }
  }

  public boolean bool(String key) {
    String v = string(key).toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("option '" + key + "' must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  /**
   * One constant of {@code type}, written in the config as its lower-case name ({@code STANDARD_NORMAL} is
   * {@code standard_normal}).
   */
  public <E extends Enum<E>> E choice(String key, Class<E> type) {
    String v = string(key);
    java.util.List<String> names = new java.util.ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String name = label(e);
      if (name.equals(v)) {
        return e;
      }
      names.add(name);
    }
    throw new IllegalArgumentException("option '" + key + "' must be one of " + names + ", got '" + v + "'");
  }

  /** The config spelling of an enum constant: its lower-case name. */
  public static String label(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }
}
