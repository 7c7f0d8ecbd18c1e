package io.blindtuner.config;

import com.typesafe.config.Config;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of the Kafka clients, the in-process broker and the blob store, from {@code
 * blindtuner.kafka} (see reference.conf). Record and fetch limits are not settings: they follow
 * from each topic's declaration ({@code io.blindtuner.pipeline.kafka.Topic}).
 *
 * @param bootstrapServers host:port list of an external cluster; empty to start the in-process
 *     broker
 * @param client client properties passed verbatim to every Kafka client (TLS, SASL), unmodifiable
 * @param groupIdPrefix prefix of every consumer group's id
 * @param embeddedDataDir the in-process broker's data directory
 * @param blobDir the blob store's directory
 * @param maxBlobBytes largest blob accepted on write and on read
 */
public record KafkaSettings(
    String bootstrapServers,
    Map<String, String> client,
    String groupIdPrefix,
    Path embeddedDataDir,
    Path blobDir,
    long maxBlobBytes) {

  /** The section these settings come from. */
  public static final String SECTION = "blindtuner.kafka";

  /**
   * Client properties the code sets because the delivery guarantees rest on them; refused in {@code
   * client}.
   */
  public static final Set<String> RESERVED_CLIENT_PROPERTIES =
      Set.of(
          "bootstrap.servers",
          "group.id",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer",
          "enable.auto.commit",
          "acks",
          "enable.idempotence",
          "isolation.level");

  // host:port, host a DNS name, IPv4 address or bracketed IPv6 address
  private static final Pattern SERVER =
      Pattern.compile(
          "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)" + ":([0-9]{1,5})");
  private static final Pattern GROUP_PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,64}");

  /** Whether the services start the in-process broker (no external cluster configured). */
  public boolean embedded() {
    return bootstrapServers.isEmpty();
  }

  /**
   * Reads and validates the section.
   *
   * @throws SettingsException naming the first key at fault
   */
  public static KafkaSettings from(Config root) {
    ConfigReader r = new ConfigReader(root, SECTION);
    String servers = r.stringOrEmpty("bootstrap-servers").strip();
    for (String server : servers.isEmpty() ? new String[0] : servers.split(",", -1)) {
      var m = SERVER.matcher(server.strip());
      if (!m.matches()
          || Integer.parseInt(m.group(3)) < 1
          || Integer.parseInt(m.group(3)) > 65535) {
        throw new SettingsException(
            r.path("bootstrap-servers"),
            "must be a comma-separated list of host:port (port 1..65535), got '"
                + server.strip()
                + "'");
      }
    }
    Map<String, String> client = r.properties("client");
    for (String name : client.keySet()) {
      if (RESERVED_CLIENT_PROPERTIES.contains(name)) {
        throw new SettingsException(
            r.path("client") + "." + name,
            "is set by blindtuner and cannot be overridden"
                + (name.equals("bootstrap.servers") ? "; use " + r.path("bootstrap-servers") : ""));
      }
    }
    String prefix = r.stringOrEmpty("group-id-prefix");
    if (!GROUP_PREFIX.matcher(prefix).matches()) {
      throw new SettingsException(
          r.path("group-id-prefix"),
          "must be at most 64 of A-Z a-z 0-9 . _ -, got '" + prefix + "'");
    }
    return new KafkaSettings(
        servers.replace(" ", ""),
        client,
        prefix,
        path(r, "embedded-data-dir"),
        path(r, "blobs.dir"),
        r.bytesIn("blobs.max-blob-size", 1, Long.MAX_VALUE));
  }

  private static Path path(ConfigReader r, String key) {
    String v = r.string(key);
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw new SettingsException(r.path(key), "is not a valid path: " + e.getReason());
    }
  }
}
