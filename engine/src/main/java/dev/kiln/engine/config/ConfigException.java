package dev.kiln.engine.config;

/** A setting that cannot be used as given; its message names the setting and the problem. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String setting;

  public ConfigException(String setting, String problem) {
    super(setting + ": " + problem);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
