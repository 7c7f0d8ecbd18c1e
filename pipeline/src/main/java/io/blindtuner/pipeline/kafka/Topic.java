package io.blindtuner.pipeline.kafka;

import java.util.Map;

/**
 * Every Kafka topic the services use, with the configuration it must be created with. The one
 * declaration: the services create missing topics from it, and the Strimzi {@code KafkaTopic}
 * manifests under {@code k8s/} are checked against it by a test.
 *
 * <p>Large objects (evaluation keys, checkpoints, models) travel as claim checks: the record holds
 * {uri, sha256, size} of a blob in the blob store, so only micro-batches and refreshes carry
 * ciphertexts inline. Their topics raise the record limit to {@link #CIPHERTEXT_RECORD_BYTES}; the
 * producer's {@code max.request.size} and the consumer's fetch sizes are raised to match.
 */
public enum Topic {
  /**
   * A job's announcement: its id, parameters, head shape and agreed plan. Compacted, keyed by job.
   */
  JOBS("blindtuner.jobs", 1, compacted(1 << 20)),
  /**
   * Claim checks of a job's evaluation keys (tens to hundreds of MB in the blob store). Keyed by
   * job.
   */
  KEYS("blindtuner.keys", 1, compacted(1 << 20)),
  /** Encrypted micro-batches, keyed by job so one job's batches stay in order on one partition. */
  BATCHES("blindtuner.batches", 6, retained(Limits.CIPHERTEXT, 7)),
  /** Ciphertexts the cloud asks the hospital to refresh, bound to job, step and request number. */
  REFRESH_REQUESTS("blindtuner.refresh.requests", 6, retained(Limits.CIPHERTEXT, 1)),
  /** The hospital's refresh replies (fresh ciphertexts, or one opaque refusal). */
  REFRESH_REPLIES("blindtuner.refresh.replies", 6, retained(Limits.CIPHERTEXT, 1)),
  /**
   * The latest checkpoint of each job: claim check of weights and optimizer state plus the offsets
   * they cover.
   */
  CHECKPOINTS("blindtuner.checkpoints", 1, compacted(1 << 20)),
  /** Final encrypted models (claim checks), one per job and version. */
  MODELS("blindtuner.models", 1, compacted(1 << 20)),
  /** Encrypted images to classify, keyed by job. */
  INFERENCE_REQUESTS("blindtuner.inference.requests", 6, retained(Limits.CIPHERTEXT, 1)),
  /** Encrypted predictions, keyed by job. */
  INFERENCE_REPLIES("blindtuner.inference.replies", 6, retained(Limits.CIPHERTEXT, 1)),
  /** Records that could not be used: the original key, value and headers, plus the reason. */
  DEAD_LETTERS(
      "blindtuner.dead.letters", 1, retained(Limits.CIPHERTEXT + Limits.DEAD_LETTER_HEADROOM, 14));

  /**
   * The record limit of topics that carry ciphertexts inline (one micro-batch at N = 16384 is a few
   * MiB).
   */
  public static final int CIPHERTEXT_RECORD_BYTES = Limits.CIPHERTEXT;

  private final String topicName;
  private final int partitions;
  private final Map<String, String> configs;

  Topic(String topicName, int partitions, Map<String, String> configs) {
    this.topicName = topicName;
    this.partitions = partitions;
    this.configs = configs;
  }

  /** The topic's name on the cluster. */
  public String topicName() {
    return topicName;
  }

  /** Partitions it is created with; a trainer deployment scales to at most this many consumers. */
  public int partitions() {
    return partitions;
  }

  /** Topic-level configuration it is created with (Kafka config names to values), unmodifiable. */
  public Map<String, String> configs() {
    return configs;
  }

  /**
   * Its record limit ({@code max.message.bytes}): the largest record batch the broker accepts on
   * it.
   */
  public int maxMessageBytes() {
    return Integer.parseInt(configs.get("max.message.bytes"));
  }

  /**
   * The largest record a producer may send to it: the limit less the headroom of the batch and
   * record headers, so that a record that passes this check is never refused by the broker for its
   * size.
   */
  public int maxRecordBytes() {
    return maxMessageBytes() - Limits.RECORD_OVERHEAD;
  }

  /**
   * The largest record limit of all topics: what a producer's request and a consumer's fetch must
   * hold.
   */
  public static int largestMaxMessageBytes() {
    int max = 0;
    for (Topic t : values()) {
      max = Math.max(max, t.maxMessageBytes());
    }
    return max;
  }

  private static Map<String, String> compacted(int maxBytes) {
    return Map.of(
        "cleanup.policy",
        "compact",
        "max.message.bytes",
        Integer.toString(maxBytes),
        "min.insync.replicas",
        "1");
  }

  private static Map<String, String> retained(int maxBytes, int days) {
    return Map.of(
        "cleanup.policy",
        "delete",
        "max.message.bytes",
        Integer.toString(maxBytes),
        "retention.ms",
        Long.toString(days * 86_400_000L),
        "min.insync.replicas",
        "1");
  }

  // enum constants are initialised before the enum's own static fields, hence the holder
  private static final class Limits {
    static final int CIPHERTEXT = 16 << 20;

    /** Batch header (61 bytes) and one record's varint fields, with room to spare. */
    static final int RECORD_OVERHEAD = 1 << 10;

    /**
     * A dead letter is the original record plus its reason and origin headers (capped to fit in
     * this).
     */
    static final int DEAD_LETTER_HEADROOM = 64 << 10;
  }
}
