package io.blindtuner.pipeline.wire;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A training job as the hospital announces it: everything the cloud needs to derive the same plan
 * and run it — parameters, head shape, hyper-parameters, micro-batches per step and steps — and
 * nothing about the data. The plan itself is not sent: both sides derive it from these fields, so
 * they cannot disagree about it.
 *
 * @param jobId letters, digits, '-', '_' and '.', 1 to 64 characters
 * @param ckks the CKKS parameters as prime sizes: ring degree, data and special primes,
 *     key-switching layout (SEAL's or hybrid) and whether they may be below 128-bit security (tests
 *     only)
 * @param shape the head
 * @param config the hyper-parameters (epochs, batch, learning rate, momentum, weight decay, seed,
 *     range penalty, class balance)
 * @param microBatchesPerStep ciphertext batches per weight version
 * @param steps weight versions of the whole job
 */
public record JobSpec(
    String jobId,
    CkksSpec ckks,
    HeadShape shape,
    TrainingConfig config,
    int microBatchesPerStep,
    long steps) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MAGIC =
      0x42544a33; // "BTJ3": the key-switching layout, range penalty and class balance

  /** Far above any record this writes; checked before parsing. */
  public static final int MAX_BYTES = 4096;

  /**
   * @throws IllegalArgumentException naming the field that is out of range
   */
  public JobSpec {
    Objects.requireNonNull(ckks, "ckks");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(config, "config");
    if (!isValidId(jobId)) {
      throw new IllegalArgumentException("job id must be 1 to 64 of [A-Za-z0-9._-], got " + jobId);
    }
    int[] bits = ckks.coeffModulusBits();
    if (bits == null || bits.length < 2 || bits.length > CkksParameters.MAX_PRIMES) {
      throw new IllegalArgumentException(
          "coeff bits must list 2 to " + CkksParameters.MAX_PRIMES + " primes");
    }
    if (ckks.specialPrimes() < 1
        || ckks.specialPrimes() >= bits.length
        || ckks.keySwitchDigits() < 0
        || (ckks.keySwitchDigits() == 0 && ckks.specialPrimes() != 1)) {
      throw new IllegalArgumentException(
          "key switching: "
              + ckks.keySwitchDigits()
              + " digits with "
              + ckks.specialPrimes()
              + " special primes of "
              + bits.length
              + " primes");
    }
    if (microBatchesPerStep < 1 || steps < 1) {
      throw new IllegalArgumentException(
          "micro-batches per step and steps must be >= 1, got "
              + microBatchesPerStep
              + ", "
              + steps);
    }
  }

  /**
   * Whether {@code id} may name a job: 1 to 64 of letters, digits, '-', '_' and '.' (so it is also
   * a safe file name at the edge).
   */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * The parameter set.
   *
   * @throws IllegalArgumentException if the fields do not make a valid (and, unless insecure,
   *     128-bit) set
   */
  public CkksParameters parameters() {
    return CkksParameters.create(ckks);
  }

  /** The record value. */
  public byte[] toBytes() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream o = new DataOutputStream(b)) {
      o.writeInt(MAGIC);
      o.writeUTF(jobId);
      int[] bits = ckks.coeffModulusBits();
      o.writeInt(ckks.polyModulusDegree());
      o.writeByte(bits.length);
      for (int prime : bits) {
        o.writeByte(prime);
      }
      o.writeByte(ckks.keySwitchDigits());
      o.writeByte(ckks.specialPrimes());
      o.writeBoolean(ckks.insecure());
      o.writeInt(shape.tokens());
      o.writeInt(shape.dim());
      o.writeInt(shape.hidden());
      o.writeInt(shape.classes());
      o.writeInt(config.epochs());
      o.writeInt(config.batchSize());
      o.writeDouble(config.learningRate());
      o.writeDouble(config.finalFraction());
      o.writeDouble(config.momentum());
      o.writeDouble(config.weightDecay());
      o.writeLong(config.seed());
      o.writeDouble(config.rangePenalty());
      o.writeBoolean(config.classBalanced());
      o.writeInt(microBatchesPerStep);
      o.writeLong(steps);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /**
   * Parses a record value.
   *
   * @throws MalformedRecordException saying what is wrong if it is not a job spec or a field is out
   *     of range
   */
  public static JobSpec parse(byte[] value) {
    if (value == null || value.length > MAX_BYTES) {
      throw new MalformedRecordException(
          "job spec is "
              + (value == null ? "missing" : value.length + " bytes, above " + MAX_BYTES));
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      if (in.readInt() != MAGIC) {
        throw new MalformedRecordException("not a job spec (bad magic)");
      }
      String id = in.readUTF();
      int n = in.readInt();
      int[] bits = new int[in.readUnsignedByte()];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = in.readUnsignedByte();
      }
      CkksSpec ckks =
          new CkksSpec(
              n, bits, null, in.readUnsignedByte(), in.readUnsignedByte(), in.readBoolean());
      HeadShape shape = new HeadShape(in.readInt(), in.readInt(), in.readInt(), in.readInt());
      TrainingConfig cfg =
          new TrainingConfig(
              in.readInt(),
              in.readInt(),
              in.readDouble(),
              in.readDouble(),
              in.readDouble(),
              in.readDouble(),
              in.readLong(),
              in.readDouble(),
              in.readBoolean());
      JobSpec spec = new JobSpec(id, ckks, shape, cfg, in.readInt(), in.readLong());
      if (in.available() != 0) {
        throw new MalformedRecordException("job spec has " + in.available() + " trailing bytes");
      }
      return spec;
    } catch (IOException e) {
      throw new MalformedRecordException("job spec is truncated");
    } catch (MalformedRecordException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException("job spec field out of range: " + e.getMessage());
    }
  }
}
