package io.blindtuner.pipeline.wire;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The value of every record that carries ciphertexts: what it is, which job, step, micro-batch and
 * phase it belongs to, the levels asked for (refresh requests), and the ciphertexts in the job's
 * wire format ({@link WireCodec}: SEAL's for SEAL's key-switching layout, so SEAL clients can take
 * part; the engine's for the hybrid layout), seeded where the sender encrypted them fresh.
 *
 * <p>Reading checks every length before allocating: at most {@link #MAX_CIPHERTEXTS} ciphertexts,
 * the total no larger than the record limit, each one parsed by the {@link WireCodec} against the
 * job's parameters (foreign parameters, truncation and oversize are refused there).
 *
 * @param kind what the record is
 * @param jobId the job
 * @param step the weight version (for a checkpoint or model: the next version to run)
 * @param microBatch the micro-batch within the version (0 where there is none)
 * @param phase the refreshed phase of a refresh request or reply, else null
 * @param levels the levels a refresh request asks for, else empty
 * @param ciphertexts the payload
 */
public record CipherMessage(
    Kind kind,
    String jobId,
    long step,
    int microBatch,
    Phase phase,
    int[] levels,
    List<Ciphertext> ciphertexts) {
  /** The most ciphertexts one record carries (a checkpoint: 5 parameters and 5 velocities). */
  public static final int MAX_CIPHERTEXTS = 16;

  /** The order weights travel in: the parameters, then their velocities. */
  public static final List<Operand> WEIGHT_ORDER =
      Stream.concat(Operand.PARAMETERS.stream(), Operand.VELOCITIES.stream()).toList();

  private static final int MAGIC = 0x4254_4331; // "BTC1"

  /** What a record is. */
  public enum Kind {
    /** One encrypted micro-batch: tokens, means, labels. */
    BATCH,
    /** Ciphertexts to refresh, with the levels asked for. */
    REFRESH_REQUEST,
    /** Fresh ciphertexts answering a request. */
    REFRESH_REPLY,
    /** The key holder refused the request (no payload, no reason). */
    REFRESH_REFUSED,
    /** Encrypted parameters and velocities: a checkpoint, or the initial weights. */
    WEIGHTS,
    /** The final encrypted parameters. */
    MODEL,
    /** Encrypted images to classify (tokens, means); the step field is the request's number. */
    INFERENCE_REQUEST,
    /** The encrypted logits answering an inference request (same number). */
    INFERENCE_REPLY
  }

  /**
   * @throws IllegalArgumentException if a field is out of range
   */
  public CipherMessage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(jobId, "jobId");
    levels = levels == null ? new int[0] : levels.clone();
    ciphertexts = List.copyOf(ciphertexts);
    if (step < 0
        || microBatch < 0
        || ciphertexts.size() > MAX_CIPHERTEXTS
        || levels.length > MAX_CIPHERTEXTS) {
      throw new IllegalArgumentException(
          "step, micro-batch or counts out of range: "
              + step
              + ", "
              + microBatch
              + ", "
              + ciphertexts.size()
              + ", "
              + levels.length);
    }
  }

  /** The refresh this request or reply belongs to. */
  public RefreshId refreshId() {
    if (phase == null) {
      throw new IllegalStateException(kind + " carries no refresh id");
    }
    return new RefreshId(step, microBatch, phase);
  }

  @Override
  public int[] levels() {
    return levels.clone();
  }

  /** The record value, ciphertexts in full form. */
  public byte[] toBytes(WireCodec codec) {
    List<byte[]> payload = new ArrayList<>();
    for (Ciphertext c : ciphertexts) {
      payload.add(codec.write(c));
    }
    return encode(payload);
  }

  /**
   * The record value of fresh ciphertexts in seeded form (about half the bytes).
   *
   * @throws IllegalArgumentException if a seed is not of the codec's generator ({@link
   *     WireCodec#seedPrng})
   */
  public static byte[] seeded(
      Kind kind,
      String jobId,
      long step,
      int microBatch,
      Phase phase,
      List<SeededCiphertext> fresh,
      WireCodec codec) {
    CipherMessage head =
        new CipherMessage(
            kind,
            jobId,
            step,
            microBatch,
            phase,
            null,
            fresh.stream().map(SeededCiphertext::ciphertext).toList());
    List<byte[]> payload = new ArrayList<>();
    for (SeededCiphertext c : fresh) {
      payload.add(codec.write(c));
    }
    return head.encode(payload);
  }

  private byte[] encode(List<byte[]> payload) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream o = new DataOutputStream(b)) {
      o.writeInt(MAGIC);
      o.writeByte(kind.ordinal());
      o.writeUTF(jobId);
      o.writeLong(step);
      o.writeInt(microBatch);
      o.writeByte(phase == null ? -1 : phase.ordinal());
      o.writeByte(levels.length);
      for (int l : levels) {
        o.writeByte(l);
      }
      o.writeByte(payload.size());
      for (byte[] p : payload) {
        o.writeInt(p.length);
        o.write(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /**
   * Parses a record value of a job with the given parameters.
   *
   * @param maxBytes the record limit
   * @throws MalformedRecordException saying what is wrong
   */
  public static CipherMessage parse(byte[] value, WireCodec codec, int maxBytes) {
    if (value == null || value.length > maxBytes) {
      throw new MalformedRecordException(
          "record is " + (value == null ? "empty" : value.length + " bytes, above " + maxBytes));
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      if (in.readInt() != MAGIC) {
        throw new MalformedRecordException("not a blindtuner ciphertext record (bad magic)");
      }
      int k = in.readUnsignedByte();
      if (k >= Kind.values().length) {
        throw new MalformedRecordException("unknown record kind " + k);
      }
      String job = in.readUTF();
      long step = in.readLong();
      int mb = in.readInt();
      int p = in.readByte();
      if (p < -1 || p >= Phase.values().length) {
        throw new MalformedRecordException("unknown phase " + p);
      }
      int[] levels = new int[in.readUnsignedByte()];
      if (levels.length > MAX_CIPHERTEXTS) {
        throw new MalformedRecordException(levels.length + " levels, above " + MAX_CIPHERTEXTS);
      }
      for (int i = 0; i < levels.length; i++) {
        levels[i] = in.readUnsignedByte();
      }
      int count = in.readUnsignedByte();
      if (count > MAX_CIPHERTEXTS) {
        throw new MalformedRecordException(count + " ciphertexts, above " + MAX_CIPHERTEXTS);
      }
      List<Ciphertext> cts = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
          throw new MalformedRecordException(
              "record is truncated: ciphertext "
                  + i
                  + " claims "
                  + len
                  + " bytes, "
                  + in.available()
                  + " remain");
        }
        byte[] ct = in.readNBytes(len);
        try {
          cts.add(codec.readCiphertext(ct));
        } catch (RuntimeException e) {
          throw new MalformedRecordException("ciphertext " + i + ": " + e.getMessage());
        }
      }
      if (in.available() != 0) {
        throw new MalformedRecordException(in.available() + " trailing bytes");
      }
      return new CipherMessage(
          Kind.values()[k], job, step, mb, p < 0 ? null : Phase.values()[p], levels, cts);
    } catch (IOException e) {
      throw new MalformedRecordException("record is truncated");
    } catch (MalformedRecordException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException(e.getMessage());
    }
  }
}
