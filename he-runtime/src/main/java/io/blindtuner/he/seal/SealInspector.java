package io.blindtuner.he.seal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tells what a SEAL file is without being told: the kind is recognised from the layout of the
 * members (where the nested objects' headers sit), then, if parameters are given, the object is
 * read in full by {@link SealWire}, which validates it against them.
 */
public final class SealInspector {
  private static final int PARMS = 32;

  /**
   * Decompressed members are capped at {@value #MAX_RATIO} times the file, but never below {@value
   * #MIN_CAP_BYTES} bytes: every SEAL kind's members are 64-bit words holding residues of primes of
   * 20 bits or more (at most 3.2× compressible by entropy), and the only low-entropy kind, a
   * plaintext, is at most 12 MiB (N = 32768, 44 primes of 20 bits). A decompression bomb is stopped
   * at that cap instead of being buffered up to {@link SealSerialization#DEFAULT_MAX_BYTES}.
   */
  static final int MAX_RATIO = 8;

  static final long MIN_CAP_BYTES = 16L << 20;

  private SealInspector() {}

  /**
   * Describes a SEAL object.
   *
   * @param data the file's bytes
   * @param params the parameters to validate against and to name the level, or null
   * @throws SealFormatException if the bytes are no SEAL object of a known kind, or invalid for
   *     params
   */
  public static SealObjectInfo inspect(byte[] data, SealEncryptionParameters params) {
    SealHeader h = SealHeader.parse(data, 0, data.length, "SEAL object");
    byte[] m =
        SealSerialization.load(
            data, "SEAL object", memberCap(data.length), lc -> lc.in().readAll());
    int ctHeaderAt = PARMS + 1 + 8 * (h.hasCorrectionFactor() ? 5 : 4);
    SealObjectInfo info;
    if (m.length > 17 + 2 && magicAt(m, 17) && (m[0] & 0xff) <= 3) {
      SealEncryptionParameters p = SealEncryptionParameters.load(data);
      info =
          new SealObjectInfo(
              "EncryptionParameters",
              h,
              m.length,
              null,
              p.degree(),
              p.primeCount(),
              null,
              0,
              Double.NaN,
              false,
              null,
              List.of(),
              0,
              p);
      return info;
    } else if (m.length > ctHeaderAt + 2 && magicAt(m, ctHeaderAt)) {
      info = ciphertext(h, m, ctHeaderAt);
    } else if (m.length > 66
        && magicAt(m, 48)
        && le64(m, 32) == le64(m, 64)
        && le64(m, 32) > 0
        && nestedSize(m, 48) == m.length - 48L) {
      info =
          new SealObjectInfo(
              "Plaintext or SecretKey",
              h,
              m.length,
              parmsId(m, 0),
              0,
              0,
              null,
              0,
              Double.longBitsToDouble(le64(m, 40)),
              false,
              null,
              List.of(),
              0,
              null);
    } else if (m.length >= 48) {
      info = kswitch(h, m);
    } else {
      throw new SealFormatException(
          "SEAL object: members of " + m.length + " bytes match no known SEAL kind");
    }
    return params == null ? info : validate(info, data, params);
  }

  /**
   * The cap on the decompressed members of a file of {@code fileBytes} bytes (see {@link
   * #MAX_RATIO}).
   */
  static long memberCap(long fileBytes) {
    return Math.min(
        SealSerialization.DEFAULT_MAX_BYTES, Math.max(MIN_CAP_BYTES, MAX_RATIO * fileBytes));
  }

  private static SealObjectInfo ciphertext(SealHeader h, byte[] m, int headerAt) {
    long size = le64(m, 33);
    long n = le64(m, 41);
    long k = le64(m, 49);
    double scale = Double.longBitsToDouble(le64(m, 57));
    long words = le64(m, headerAt + 16);
    boolean seeded = size == 2 && words == n * k;
    long dataSize = nestedSize(m, headerAt);
    if (dataSize < 24 || dataSize > m.length - headerAt) {
      throw new SealFormatException(
          "SEAL object: ciphertext data size "
              + Long.toUnsignedString(dataSize)
              + " overruns the members");
    }
    long end = headerAt + dataSize;
    SealPrngType prng = null;
    if (seeded) {
      if (h.versionMajor() == 3 && h.versionMinor() < 6) {
        prng = SealPrngType.BLAKE2XB;
        end += 8L * SealPrngInfo.SEED_WORDS;
      } else {
        // The seed's own SEAL object follows the data; its first member byte is the prng type.
        long seedSize =
            end + 17 <= m.length && magicAt(m, (int) end) ? nestedSize(m, (int) end) : -1;
        if (seedSize < 17 || seedSize > m.length - end) {
          throw new SealFormatException(
              "SEAL object: seeded ciphertext without a valid seed object");
        }
        prng = SealPrngType.fromCode(m[(int) end + 16] & 0xff);
        end += seedSize;
      }
    }
    if (end != m.length) {
      throw new SealFormatException(
          "SEAL object: ciphertext members end at byte " + end + " but the object has " + m.length);
    }
    return new SealObjectInfo(
        "Ciphertext or PublicKey",
        h,
        m.length,
        parmsId(m, 0),
        (int) n,
        (int) k,
        null,
        (int) size,
        scale,
        seeded,
        prng,
        List.of(),
        0,
        null);
  }

  private static SealObjectInfo kswitch(SealHeader h, byte[] m) {
    long dim1 = le64(m, 32);
    if (dim1 < 0 || dim1 > SealEncryptionParameters.MAX_DEGREE) {
      throw new SealFormatException(
          "SEAL object: no known SEAL kind (key count " + Long.toUnsignedString(dim1) + ")");
    }
    int pos = 40;
    List<Integer> elts = new ArrayList<>();
    int keys = 0;
    boolean allSeeded = true;
    SealPrngType prng = null;
    SealObjectInfo first = null;
    for (int i = 0; i < dim1; i++) {
      long dim2 = le64(m, pos);
      pos += 8;
      if (dim2 > 0) {
        keys++;
        elts.add(2 * i + 1);
      }
      for (long j = 0; j < dim2; j++) {
        if (pos + 16 > m.length || !magicAt(m, pos)) {
          throw new SealFormatException(
              "SEAL object: key " + i + " part " + j + " is no SEAL object");
        }
        long objSize = nestedSize(m, pos);
        if (objSize < 16 || objSize > m.length - pos) {
          throw new SealFormatException(
              "SEAL object: key " + i + " part " + j + " size " + objSize + " overruns the data");
        }
        SealHeader nh = SealHeader.parse(m, pos, 16, "key part");
        byte[] inner = Arrays.copyOfRange(m, pos + 16, (int) (pos + objSize));
        SealObjectInfo part =
            ciphertext(nh, inner, PARMS + 1 + 8 * (nh.hasCorrectionFactor() ? 5 : 4));
        allSeeded &= part.seeded();
        prng = part.prng() != null ? part.prng() : prng;
        first = first == null ? part : first;
        pos += (int) objSize;
      }
    }
    if (pos != m.length || first == null) {
      throw new SealFormatException("SEAL object: members match no known SEAL kind");
    }
    boolean relin = dim1 == 1;
    return new SealObjectInfo(
        relin ? "RelinKeys" : "GaloisKeys",
        h,
        m.length,
        parmsId(m, 0),
        first.degree(),
        first.primeCount(),
        null,
        0,
        Double.NaN,
        allSeeded,
        prng,
        relin ? List.of() : elts,
        keys,
        null);
  }

  private static SealObjectInfo validate(
      SealObjectInfo info, byte[] data, SealEncryptionParameters p) {
    String kind = info.kind();
    int count = p.primeCountOf(info.parmsId(), kind);
    boolean keyLevel = p.primeCount() > 1 && count == p.primeCount();
    String level = keyLevel ? "key level" : "data level " + (count - 1);
    switch (kind) {
      case "Ciphertext or PublicKey" -> {
        SealCiphertextData ct =
            keyLevel ? SealWire.readPublicKey(p, data) : SealWire.readCiphertext(p, data);
        kind = keyLevel ? "PublicKey" : "Ciphertext";
        return new SealObjectInfo(
            kind,
            info.header(),
            info.memberBytes(),
            ct.parmsId(),
            ct.degree(),
            ct.primeCount(),
            level,
            ct.size(),
            ct.scale(),
            ct.seed() != null,
            ct.seed() == null ? null : ct.seed().type(),
            List.of(),
            0,
            null);
      }
      case "Plaintext or SecretKey" -> {
        SealPlaintextData pt =
            keyLevel ? SealWire.readSecretKey(p, data) : SealWire.readPlaintext(p, data);
        kind = keyLevel ? "SecretKey" : "Plaintext";
        return new SealObjectInfo(
            kind,
            info.header(),
            info.memberBytes(),
            pt.parmsId(),
            p.degree(),
            pt.limbs().length,
            level,
            0,
            pt.scale(),
            false,
            null,
            List.of(),
            0,
            null);
      }
      default -> {
        SealKSwitchKeysData k =
            kind.equals("RelinKeys")
                ? SealWire.readRelinKeys(p, data)
                : SealWire.readGaloisKeys(p, data);
        return new SealObjectInfo(
            kind,
            info.header(),
            info.memberBytes(),
            k.parmsId(),
            p.degree(),
            p.primeCount(),
            level,
            0,
            Double.NaN,
            info.seeded(),
            info.prng(),
            info.galoisElements(),
            (int) k.keys().stream().filter(v -> !v.isEmpty()).count(),
            null);
      }
    }
  }

  /** Declared size of the nested SEAL object at at (either header layout). */
  private static long nestedSize(byte[] m, int at) {
    return SealHeader.parse(m, at, m.length - at, "SEAL object: nested object").size();
  }

  private static boolean magicAt(byte[] m, int at) {
    return at + 2 <= m.length && (m[at] & 0xff) == 0x5E && (m[at + 1] & 0xff) == 0xA1;
  }

  private static long le64(byte[] m, int at) {
    if (at < 0 || at + 8 > m.length) {
      throw new SealFormatException(
          "SEAL object: members end at byte " + m.length + ", expected a field at " + at);
    }
    return Blake2b.le64(m, at);
  }

  private static SealParmsId parmsId(byte[] m, int at) {
    return new SealParmsId(le64(m, at), le64(m, at + 8), le64(m, at + 16), le64(m, at + 24));
  }
}
