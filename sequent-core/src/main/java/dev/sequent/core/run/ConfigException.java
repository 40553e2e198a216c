package dev.sequent.core.run;

/**
 * A setting is unknown or has an invalid value. Carries the setting's key, so a caller that knows where the
 * key came from (a YAML file and line, a command-line override) can say so.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The flat key, e.g. {@code train.epochs}. */
  public String key() {
    return key;
  }
}
