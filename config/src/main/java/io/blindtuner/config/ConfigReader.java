package io.blindtuner.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads typed values from one section of a {@link Config}, turning every Typesafe Config error and
 * every value out of range into a {@link SettingsException} that names the key's full path. The
 * typed settings records use it so that a bad value is refused at start-up, before any work.
 */
public final class ConfigReader {
  private final Config config;
  private final String section;

  /**
   * @param root the whole configuration (reference.conf merged with overrides)
   * @param section the section's path, e.g. {@code blindtuner.pipeline}
   * @throws SettingsException if the section is missing or not an object
   */
  public ConfigReader(Config root, String section) {
    try {
      this.config = root.getConfig(section);
    } catch (ConfigException e) {
      throw new SettingsException(section, reason(e));
    }
    this.section = section;
  }

  /** The full path of a key of this section. */
  public String path(String key) {
    return section + "." + key;
  }

  /**
   * An integer in [min, max].
   *
   * @throws SettingsException if missing, not an integer or out of range
   */
  public int intIn(String key, int min, int max) {
    int v;
    try {
      v = config.getInt(key);
    } catch (ConfigException e) {
      throw new SettingsException(path(key), reason(e));
    }
    if (v < min || v > max) {
      throw new SettingsException(path(key), "must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /**
   * A real number in [min, max].
   *
   * @throws SettingsException if missing, not a number or out of range
   */
  public double doubleIn(String key, double min, double max) {
    double v;
    try {
      v = config.getDouble(key);
    } catch (ConfigException e) {
      throw new SettingsException(path(key), reason(e));
    }
    if (!(v >= min && v <= max)) {
      throw new SettingsException(path(key), "must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /**
   * A duration in [min, max] (HOCON durations: {@code 200 ms}, {@code 5 minutes}).
   *
   * @throws SettingsException if missing, not a duration or out of range
   */
  public Duration durationIn(String key, Duration min, Duration max) {
    Duration v;
    try {
      v = config.getDuration(key);
    } catch (ConfigException e) {
      throw new SettingsException(path(key), reason(e));
    }
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw new SettingsException(
          path(key), "must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  /**
   * A string that must not be blank.
   *
   * @throws SettingsException if missing, not a string or blank
   */
  public String string(String key) {
    String v;
    try {
      v = config.getString(key);
    } catch (ConfigException e) {
      throw new SettingsException(path(key), reason(e));
    }
    if (v.isBlank()) {
      throw new SettingsException(path(key), "must not be empty");
    }
    return v;
  }

  /** A boolean. @throws SettingsException if missing or not a boolean */
  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      throw new SettingsException(path(key), reason(e));
    }
  }

  /**
   * One of an enum's constants, written in lower case with dashes ({@code overlapped}, {@code
   * read-only}).
   *
   * @throws SettingsException if missing or not one of the constants (the message lists them)
   */
  public <E extends Enum<E>> E oneOf(String key, Class<E> type) {
    String v = string(key);
    for (E e : type.getEnumConstants()) {
      if (configName(e).equals(v)) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(configName(e));
    }
    throw new SettingsException(path(key), "must be one of " + allowed + ", got '" + v + "'");
  }

  /**
   * A string that may be empty (an empty value selects a default behaviour the key documents).
   *
   * @throws SettingsException if missing or not a string
   */
  public String stringOrEmpty(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      throw new SettingsException(path(key), reason(e));
    }
  }

  /**
   * A size in bytes in [min, max] (HOCON sizes: {@code 512 KiB}, {@code 4 GiB}).
   *
   * @throws SettingsException if missing, not a size or out of range
   */
  public long bytesIn(String key, long min, long max) {
    long v;
    try {
      v = config.getBytes(key);
    } catch (ConfigException e) {
      throw new SettingsException(path(key), reason(e));
    }
    if (v < min || v > max) {
      throw new SettingsException(
          path(key), "must be in [" + min + ", " + max + "] bytes, got " + v);
    }
    return v;
  }

  /**
   * An object of scalar values flattened to dotted names ({@code a { b = 1 }} and {@code "a.b" = 1}
   * both give {@code a.b -> 1}), e.g. client properties passed through to a library.
   *
   * @throws SettingsException if missing, not an object, or a value is a list (naming its path)
   */
  public Map<String, String> properties(String key) {
    Config sub;
    try {
      sub = config.getConfig(key);
    } catch (ConfigException e) {
      throw new SettingsException(path(key), reason(e));
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : sub.entrySet()) {
      String name = String.join(".", ConfigUtil.splitPath(e.getKey()));
      ConfigValueType type = e.getValue().valueType();
      if (type != ConfigValueType.STRING
          && type != ConfigValueType.NUMBER
          && type != ConfigValueType.BOOLEAN) {
        throw new SettingsException(
            path(key) + "." + e.getKey(),
            "must be a string, number or boolean, got " + type.name().toLowerCase(Locale.ROOT));
      }
      out.put(name, String.valueOf(e.getValue().unwrapped()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** How an enum constant is written in configuration. */
  public static String configName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String reason(ConfigException e) {
    String m = e.getMessage();
    // Typesafe Config prefixes the origin ("reference.conf @ ...: 12: "); the path is already in
    // ours.
    int colon = m.lastIndexOf(": ");
    return colon >= 0 && colon + 2 < m.length() ? m.substring(colon + 2) : m;
  }
}
