package io.blindtuner.pipeline.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One record header: a name and raw bytes (Kafka allows repeated names, so records carry a list of
 * them).
 *
 * @param key the header's name
 * @param value its bytes, not copied
 */
public record Header(String key, byte[] value) {
  public Header {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** A header holding UTF-8 text. */
  public static Header of(String key, String value) {
    return new Header(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The value decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String text() {
    return new String(value, StandardCharsets.UTF_8);
  }
}
