package io.blindtuner.pipeline.kafka;

import io.blindtuner.config.KafkaSettings;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where the Kafka clients connect and with which properties: the bootstrap servers (an external
 * cluster's, or {@link EmbeddedKafka#bootstrapServers()}), the pass-through client properties (TLS,
 * SASL) and the consumer group prefix. It derives each client's configuration, with the settings
 * the delivery guarantees rest on fixed here: producers wait for all in-sync replicas and are
 * idempotent; consumers never auto-commit; record and fetch limits follow from {@link Topic}.
 *
 * <p>Rebalancing: consumers use the KIP-848 consumer group protocol ({@code
 * group.protocol=consumer}, the broker assigns incrementally: a joining or leaving member moves
 * only the partitions that change owner, nobody stops consuming the rest, and there is no
 * client-side assignor to get wrong). A cluster older than Kafka 4.0 lacks it; setting {@code
 * group.protocol = classic} in the client properties then selects the classic protocol with the
 * {@link CooperativeStickyAssignor}, which is incremental too.
 */
public final class KafkaConnection {
  /**
   * Default {@code fetch.max.bytes} of the consumer (50 MiB); raised if one record of a topic could
   * exceed it.
   */
  private static final int DEFAULT_FETCH_MAX_BYTES = 52_428_800;

  private final String bootstrapServers;
  private final Map<String, String> client;
  private final String groupIdPrefix;

  /**
   * @param bootstrapServers host:port list
   * @param client client properties passed verbatim to every client
   * @param groupIdPrefix prefix of every consumer group id
   */
  public KafkaConnection(
      String bootstrapServers, Map<String, String> client, String groupIdPrefix) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.client = Map.copyOf(client);
    this.groupIdPrefix = Objects.requireNonNull(groupIdPrefix, "groupIdPrefix");
  }

  /**
   * The connection the settings describe, to the given servers (the settings' own, or the embedded
   * broker's when {@link KafkaSettings#embedded()}).
   */
  public static KafkaConnection of(KafkaSettings settings, String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, settings.client(), settings.groupIdPrefix());
  }

  /** The servers clients bootstrap from. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The consumer group id of a role (e.g. {@code trainer}, {@code edge}): the configured prefix +
   * role.
   */
  public String groupId(String role) {
    return groupIdPrefix + role;
  }

  /** A new admin client; the caller closes it. */
  public Admin admin() {
    return Admin.create(common());
  }

  /** Consumer configuration for a group reading the given topics (byte-array keys and values). */
  Map<String, Object> consumerConfig(String groupId, Collection<Topic> topics) {
    Map<String, Object> c = common();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.putIfAbsent(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    if ("classic".equalsIgnoreCase(String.valueOf(c.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
      c.putIfAbsent(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CooperativeStickyAssignor.class.getName());
    }
    // One record of the largest subscribed topic must fit in a partition fetch and in a whole
    // fetch.
    int largest = ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES;
    for (Topic t : topics) {
      largest = Math.max(largest, t.maxMessageBytes());
    }
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, largest);
    c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(DEFAULT_FETCH_MAX_BYTES, largest));
    // The OS's socket buffer (autotuned) instead of 64 KiB: a megabyte record then arrives in a few
    // reads, not in sixteen or more, each a pass of the client's network loop.
    c.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, -1);
    return c;
  }

  /**
   * Producer configuration: acks from all in-sync replicas, idempotent, requests as large as any
   * topic allows.
   */
  Map<String, Object> producerConfig() {
    Map<String, Object> c = common();
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    int largest = Topic.largestMaxMessageBytes();
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, largest);
    // The buffer must hold at least one largest record, and a second while the first is in flight.
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2L * largest));
    // Ciphertexts are uniformly random: compression costs CPU and saves nothing.
    c.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    // Records are megabytes of ciphertext, one per batch: waiting for more (Kafka 4's default
    // linger.ms is 5) only delays each refresh round trip's two sends (1.3 MB acked in 5.5 ms
    // instead of 10 here).
    c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
    // As the consumers' receive buffer: megabyte records leave in a few writes.
    c.putIfAbsent(ProducerConfig.SEND_BUFFER_CONFIG, -1);
    return c;
  }

  private Map<String, Object> common() {
    Map<String, Object> c = new HashMap<>(client);
    c.put("bootstrap.servers", bootstrapServers);
    return c;
  }
}
