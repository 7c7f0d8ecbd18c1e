package io.blindtuner.pipeline.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The value of every blindtuner record: a versioned binary header naming what the record is and where it belongs
 * (kind, job, step, micro-batch, sequence number) and the payload bytes (ciphertexts in SEAL's format, a
 * {@link BlobRef}, ...). Big-endian layout, version 1:
 *
 * <pre>
 *   magic 0xB7 0x7E | version u8 | kind u8 | job id length u8 | job id (ASCII) | step i64 | micro-batch i32 |
 *   sequence i64 | payload length i32 | payload
 * </pre>
 *
 * <p>{@link #decode} checks every length against what is left of the record before allocating and refuses
 * anything else with a {@link MalformedRecordException} that says why: a foreign or truncated record, an unknown
 * version or kind, a kind read from another kind's topic, a key that is not the job id, negative counters,
 * trailing bytes, or a payload over the topic's limit.
 *
 * @param kind what the record is
 * @param jobId the job (1 to 128 of A-Z a-z 0-9 . _ -); also the record's key
 * @param step the training step (or model version) it belongs to
 * @param microBatch the micro-batch within the step
 * @param sequence the request or record number within the job, unique per kind: consumers deduplicate by it
 * @param payload the payload, not copied
 */
public record Envelope(Kind kind, String jobId, long step, int microBatch, long sequence, byte[] payload) {
  /** The current format version. */
  public static final int VERSION = 1;
  /** Bytes of a header with an empty job id. */
  static final int FIXED_BYTES = 2 + 1 + 1 + 1 + 8 + 4 + 8 + 4;
  private static final byte MAGIC_0 = (byte) 0xB7;
  private static final byte MAGIC_1 = (byte) 0x7E;
  private static final int MAX_JOB_ID = 128;
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_JOB_ID + "}");

  /** What a record is; each kind lives on one topic. */
  public enum Kind {
    JOB(1, Topic.JOBS),
    KEYS(2, Topic.KEYS),
    BATCH(3, Topic.BATCHES),
    REFRESH_REQUEST(4, Topic.REFRESH_REQUESTS),
    REFRESH_REPLY(5, Topic.REFRESH_REPLIES),
    CHECKPOINT(6, Topic.CHECKPOINTS),
    MODEL(7, Topic.MODELS),
    INFERENCE_REQUEST(8, Topic.INFERENCE_REQUESTS),
    INFERENCE_REPLY(9, Topic.INFERENCE_REPLIES);

    private final int code;
    private final Topic topic;

    Kind(int code, Topic topic) {
      this.code = code;
      this.topic = topic;
    }

    /** The topic records of this kind are published to. */
    public Topic topic() {
      return topic;
    }

    static Kind ofCode(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return null;
    }
  }

  /**
   * @throws IllegalArgumentException if the job id is not 1 to 128 of A-Z a-z 0-9 . _ -, a counter is negative,
   *     or the encoded record would exceed the kind's topic limit
   */
  public Envelope {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("job id must be 1 to " + MAX_JOB_ID + " of A-Z a-z 0-9 . _ -, got '"
          + jobId + "'");
    }
    if (step < 0 || microBatch < 0 || sequence < 0) {
      throw new IllegalArgumentException("step, micro-batch and sequence must not be negative, got " + step + ", "
          + microBatch + ", " + sequence);
    }
    long recordBytes = (long) FIXED_BYTES + 2L * jobId.length() + payload.length; // the job id is also the key
    if (recordBytes > kind.topic().maxRecordBytes()) {
      throw new RecordTooLargeException(kind.topic(), recordBytes);
    }
  }

  /** The record's key: the job id, so that one job's records stay in order on one partition. */
  public byte[] key() {
    return jobId.getBytes(StandardCharsets.US_ASCII);
  }

  /** The record's value. */
  public byte[] encode() {
    byte[] id = key();
    ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES + id.length + payload.length);
    b.put(MAGIC_0).put(MAGIC_1).put((byte) VERSION).put((byte) kind.code).put((byte) id.length).put(id);
    b.putLong(step).putInt(microBatch).putLong(sequence).putInt(payload.length).put(payload);
    return b.array();
  }

  /**
   * Parses a record read from a topic.
   *
   * @param topic the topic it was read from
   * @param key the record's key
   * @param value the record's value
   * @throws MalformedRecordException saying why the record cannot be used
   */
  public static Envelope decode(Topic topic, byte[] key, byte[] value) throws MalformedRecordException {
    if (value == null) {
      throw new MalformedRecordException("no value");
    }
    if (value.length < FIXED_BYTES) {
      throw new MalformedRecordException("truncated: " + value.length + " bytes, a header needs at least "
          + FIXED_BYTES);
    }
    if (value.length > topic.maxRecordBytes()) {
      throw new MalformedRecordException("oversized: " + value.length + " bytes, topic " + topic.topicName()
          + " allows " + topic.maxRecordBytes());
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    if (b.get() != MAGIC_0 || b.get() != MAGIC_1) {
      throw new MalformedRecordException("not a blindtuner record (bad magic)");
    }
    int version = Byte.toUnsignedInt(b.get());
    if (version != VERSION) {
      throw new MalformedRecordException("unsupported format version " + version + " (this build reads "
          + VERSION + ")");
    }
    int code = Byte.toUnsignedInt(b.get());
    Kind kind = Kind.ofCode(code);
    if (kind == null) {
      throw new MalformedRecordException("unknown kind " + code);
    }
    if (kind.topic() != topic) {
      throw new MalformedRecordException("a " + kind + " record belongs on " + kind.topic().topicName()
          + ", read from " + topic.topicName());
    }
    int idLength = Byte.toUnsignedInt(b.get());
    if (idLength == 0 || idLength > MAX_JOB_ID || idLength > b.remaining() - (FIXED_BYTES - 5)) {
      throw new MalformedRecordException("bad job id length " + idLength + " with " + b.remaining()
          + " bytes left");
    }
    byte[] id = new byte[idLength];
    b.get(id);
    String jobId = new String(id, StandardCharsets.US_ASCII);
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new MalformedRecordException("job id has characters outside A-Z a-z 0-9 . _ -");
    }
    if (key == null || !Arrays.equals(key, id)) {
      throw new MalformedRecordException("key does not match the job id '" + jobId + "'");
    }
    long step = b.getLong();
    int microBatch = b.getInt();
    long sequence = b.getLong();
    int payloadLength = b.getInt();
    if (step < 0 || microBatch < 0 || sequence < 0) {
      throw new MalformedRecordException("negative step, micro-batch or sequence (" + step + ", " + microBatch
          + ", " + sequence + ")");
    }
    if (payloadLength != b.remaining()) {
      throw new MalformedRecordException("payload length " + payloadLength + " but " + b.remaining()
          + " bytes follow the header");
    }
    byte[] payload = new byte[payloadLength];
    b.get(payload);
    return new Envelope(kind, jobId, step, microBatch, sequence, payload);
  }
}
