package io.blindtuner.pipeline.wire;

import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * What the hospital hands the cloud for a job, once, as a claim-checked blob: the evaluation keys
 * (relinearization and Galois keys, seeded, in the job's {@link WireCodec} format) and the initial
 * encrypted weights (a {@link CipherMessage} of kind WEIGHTS). Each stage then gets only its share
 * of the Galois keys, restricted by the plan both sides derive.
 *
 * @param relinKeys the relinearization keys' bytes
 * @param galoisKeys the Galois keys' bytes, for every step of the plan
 * @param weights the initial weights' record value
 */
public record JobBundle(byte[] relinKeys, byte[] galoisKeys, byte[] weights) {
  private static final int MAGIC = 0x4254_4b31; // "BTK1"

  public JobBundle {
    Objects.requireNonNull(relinKeys, "relinKeys");
    Objects.requireNonNull(galoisKeys, "galoisKeys");
    Objects.requireNonNull(weights, "weights");
  }

  /** The blob's bytes. */
  public byte[] toBytes() {
    ByteArrayOutputStream b =
        new ByteArrayOutputStream(relinKeys.length + galoisKeys.length + weights.length + 16);
    try (DataOutputStream o = new DataOutputStream(b)) {
      o.writeInt(MAGIC);
      for (byte[] part : new byte[][] {relinKeys, galoisKeys, weights}) {
        o.writeInt(part.length);
        o.write(part);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /**
   * Parses a blob.
   *
   * @throws MalformedRecordException saying what is wrong
   */
  public static JobBundle parse(byte[] blob) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      if (in.readInt() != MAGIC) {
        throw new MalformedRecordException("not a job bundle (bad magic)");
      }
      byte[][] parts = new byte[3][];
      String[] names = {"relinearization keys", "Galois keys", "initial weights"};
      for (int i = 0; i < 3; i++) {
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
          throw new MalformedRecordException(
              "job bundle: "
                  + names[i]
                  + " claim "
                  + len
                  + " bytes, "
                  + in.available()
                  + " remain");
        }
        parts[i] = in.readNBytes(len);
      }
      if (in.available() != 0) {
        throw new MalformedRecordException("job bundle has " + in.available() + " trailing bytes");
      }
      return new JobBundle(parts[0], parts[1], parts[2]);
    } catch (IOException e) {
      throw new MalformedRecordException("job bundle is truncated");
    }
  }

  /**
   * The relinearization keys.
   *
   * @throws MalformedRecordException if they are malformed or of other parameters
   */
  public RelinKeys relinKeys(WireCodec codec) {
    try {
      return codec.readRelinKeys(relinKeys);
    } catch (RuntimeException e) {
      throw new MalformedRecordException("job bundle: relinearization keys: " + e.getMessage());
    }
  }

  /**
   * The Galois keys.
   *
   * @throws MalformedRecordException if they are malformed or of other parameters
   */
  public GaloisKeys galoisKeys(WireCodec codec) {
    try {
      return codec.readGaloisKeys(galoisKeys);
    } catch (RuntimeException e) {
      throw new MalformedRecordException("job bundle: Galois keys: " + e.getMessage());
    }
  }
}
