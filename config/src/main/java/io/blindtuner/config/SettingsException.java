package io.blindtuner.config;

/** A setting that is missing or has a bad value; names the key's full path and the reason. */
public final class SettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String path;

  public SettingsException(String path, String reason) {
    super("setting '" + path + "': " + reason);
    this.path = path;
  }

  /** The full path of the key at fault, e.g. {@code blindtuner.pipeline.mode}. */
  public String path() {
    return path;
  }
}
