package io.blindtuner.pipeline.wire;

import io.blindtuner.pipeline.kafka.BlobRef;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The value of a record that points at a blob: the job announcement (the job spec and its bundle of
 * keys and initial weights), a checkpoint (the version its weights are ready for) and a model.
 * Small, so the topics that carry it stay small; the blob's digest is checked when it is read.
 *
 * @param head what the blob belongs to: a {@link JobSpec}'s bytes for an announcement, else empty
 * @param version the weight version (checkpoints and models), else 0
 * @param blob the claim check
 */
public record ClaimCheck(byte[] head, long version, BlobRef blob) {
  private static final int MAGIC = 0x4254_5231; // "BTR1"

  public ClaimCheck {
    head = head == null ? new byte[0] : head.clone();
    Objects.requireNonNull(blob, "blob");
    if (version < 0 || head.length > JobSpec.MAX_BYTES) {
      throw new IllegalArgumentException(
          "version must be >= 0 and the head at most "
              + JobSpec.MAX_BYTES
              + " bytes, got "
              + version
              + ", "
              + head.length);
    }
  }

  @Override
  public byte[] head() {
    return head.clone();
  }

  /** A job's announcement. */
  public static ClaimCheck announce(JobSpec spec, BlobRef bundle) {
    return new ClaimCheck(spec.toBytes(), 0, bundle);
  }

  /** The announced job. */
  public JobSpec spec() {
    return JobSpec.parse(head);
  }

  public byte[] toBytes() {
    byte[] ref = blob.toBytes();
    return ByteBuffer.allocate(4 + 4 + head.length + 8 + 4 + ref.length)
        .putInt(MAGIC)
        .putInt(head.length)
        .put(head)
        .putLong(version)
        .putInt(ref.length)
        .put(ref)
        .array();
  }

  /**
   * @throws MalformedRecordException saying what is wrong
   */
  public static ClaimCheck parse(byte[] value) {
    if (value == null || value.length > 2 * JobSpec.MAX_BYTES + 64) {
      throw new MalformedRecordException(
          "claim check of " + (value == null ? 0 : value.length) + " bytes");
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(value);
      if (b.getInt() != MAGIC) {
        throw new MalformedRecordException("not a claim check (bad magic)");
      }
      int n = b.getInt();
      if (n < 0 || n > b.remaining()) {
        throw new MalformedRecordException(
            "claim check head of " + n + " bytes, " + b.remaining() + " remain");
      }
      byte[] head = new byte[n];
      b.get(head);
      long version = b.getLong();
      int r = b.getInt();
      if (r < 0 || r != b.remaining()) {
        throw new MalformedRecordException(
            "claim check reference of " + r + " bytes, " + b.remaining() + " remain");
      }
      byte[] ref = Arrays.copyOfRange(value, b.position(), value.length);
      return new ClaimCheck(head, version, BlobRef.fromBytes(ref));
    } catch (BufferUnderflowException e) {
      throw new MalformedRecordException("claim check is truncated");
    } catch (MalformedRecordException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException("claim check: " + e.getMessage());
    }
  }
}
