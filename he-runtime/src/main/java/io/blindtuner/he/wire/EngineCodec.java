package io.blindtuner.he.wire;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.HeException;
import io.blindtuner.he.ckks.KeySeed;
import io.blindtuner.he.ckks.KeySwitchKey;
import io.blindtuner.he.ckks.ParameterMismatchException;
import io.blindtuner.he.ckks.PublicKey;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Csprng;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.he.ring.Samplers;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's binary form of parameters (any key-switching layout) and of ciphertexts and keys
 * made with them, for the hybrid layout that SEAL's format cannot hold. Every object starts with
 * "BTHE", a version byte and a kind byte; objects other than parameters then carry the parameter id
 * they belong to, which the reader checks. Numbers are big-endian; polynomials are their limbs in
 * order, each limb its N residues packed at its prime's bit width (a 40-bit prime's residues take 5
 * bytes, not 8: about a third fewer bytes for a typical chain), least significant bit first.
 * Version 1 stored 8 bytes per residue; readers take both, writers write version 2. Keys may be
 * written seeded: each key ciphertext's uniform part a is replaced by the 32-byte AES-CTR seed it
 * was expanded from (half the bytes), which the reader expands as {@link
 * io.blindtuner.he.ckks.KeyGenerator} did. Readers refuse anything malformed with {@link
 * EngineFormatException}. Immutable and thread-safe.
 */
public final class EngineCodec {
  private static final int MAGIC = 0x42544845; // "BTHE"
  private static final byte VERSION = 2;

  /** The first version that packs residues at their primes' widths. */
  private static final byte PACKED = 2;

  private static final byte PARAMETERS = 1;
  private static final byte CIPHERTEXT = 2;
  private static final byte PUBLIC_KEY = 3;
  private static final byte SECRET_KEY = 4;
  private static final byte RELIN_KEYS = 5;
  private static final byte GALOIS_KEYS = 6;
  private static final byte SEEDED_CIPHERTEXT = 7;
  private static final String[] KINDS = {
    "?",
    "parameters",
    "ciphertext",
    "public key",
    "secret key",
    "relinearization keys",
    "Galois keys",
    "seeded ciphertext"
  };

  /** Magic, version, kind. */
  private static final int HEADER = 6;

  private static final String WRITE = "EngineCodec.write";

  private final CkksParameters params;
  private final Modulus[] moduli;

  /** Bit width of each prime's residues, key limbs included. */
  private final int[] widths;

  private EngineCodec(CkksParameters params) {
    this.params = params;
    moduli = new Modulus[params.keyLimbCount()];
    widths = new int[moduli.length];
    for (int i = 0; i < moduli.length; i++) {
      moduli[i] = params.modulus(i);
      widths[i] = 64 - Long.numberOfLeadingZeros(moduli[i].value());
    }
  }

  /**
   * The codec for objects of these parameters (SEAL's layout or hybrid; every kind is the same in
   * both).
   */
  public static EngineCodec of(CkksParameters params) {
    return new EngineCodec(params);
  }

  public CkksParameters parameters() {
    return params;
  }

  // ---------------------------------------------------------------- parameters

  /**
   * The bytes of a parameter set: N, the primes, the hybrid digits (0 for SEAL's layout) and
   * special primes.
   */
  public static byte[] write(CkksParameters p) {
    long[] primes = p.primes();
    ByteBuffer out = header(PARAMETERS, 4 + 4 + 8L * primes.length + 4 + 4);
    out.putInt(p.n()).putInt(primes.length);
    for (long q : primes) {
      out.putLong(q);
    }
    out.putInt(p.keySwitchLayout().isSeal() ? 0 : p.keySwitchLayout().digitCount());
    out.putInt(p.keySwitchLayout().specialPrimeCount());
    return out.array();
  }

  /**
   * Reads a parameter set and validates it as {@link CkksParameters#create} does.
   *
   * @param allowInsecure accept sets above the HE-standard 128-bit bound (tests only)
   * @throws EngineFormatException if malformed or the engine rejects the set
   */
  public static CkksParameters readParameters(byte[] data, boolean allowInsecure) {
    ByteBuffer in = open(data, PARAMETERS);
    try {
      int n = in.getInt();
      int count = in.getInt();
      if (count < 2 || count > CkksParameters.MAX_PRIMES) {
        throw new EngineFormatException(
            "parameters: prime count "
                + count
                + " is not in [2, "
                + CkksParameters.MAX_PRIMES
                + "]");
      }
      long[] primes = new long[count];
      for (int i = 0; i < count; i++) {
        primes[i] = in.getLong();
      }
      int digits = in.getInt();
      int special = in.getInt();
      end(in, PARAMETERS);
      return CkksParameters.create(new CkksSpec(n, null, primes, digits, special, allowInsecure));
    } catch (BufferUnderflowException e) {
      throw truncated(PARAMETERS, e);
    } catch (HeException e) {
      throw new EngineFormatException("parameters: not usable by the engine: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- ciphertexts

  /**
   * The bytes of a ciphertext (size, level, scale, polynomials).
   *
   * @throws ParameterMismatchException if the ciphertext belongs to other parameters than this
   *     codec's
   */
  public byte[] write(Ciphertext ct) {
    params.check(ct.parametersId(), "ciphertext", WRITE);
    ByteBuffer out = object(CIPHERTEXT, 4 + 4 + 8 + polyBytes(ct.level() + 1) * ct.size());
    out.putInt(ct.size()).putInt(ct.level()).putDouble(ct.scale());
    for (int p = 0; p < ct.size(); p++) {
      putPoly(out, ct.poly(p));
    }
    return out.array();
  }

  /**
   * Reads a ciphertext, full or seeded (as {@link io.blindtuner.he.seal.SealCodec#readCiphertext}
   * does): a reader of records need not know which form the sender chose.
   *
   * @throws EngineFormatException if malformed or of other parameters
   */
  public Ciphertext readCiphertext(byte[] data) {
    if (data.length >= HEADER && data[HEADER - 1] == SEEDED_CIPHERTEXT) {
      return readSeededCiphertext(data);
    }
    ByteBuffer in = openObject(data, CIPHERTEXT);
    try {
      int size = in.getInt();
      int level = in.getInt();
      double scale = in.getDouble();
      Ciphertext ct;
      try {
        ct = new Ciphertext(params, size, level, scale);
      } catch (HeException e) {
        throw new EngineFormatException("ciphertext: " + e.getMessage(), e);
      }
      for (int p = 0; p < size; p++) {
        getPoly(in, ct.poly(p), "ciphertext polynomial " + p);
      }
      end(in, CIPHERTEXT);
      return ct;
    } catch (BufferUnderflowException e) {
      throw truncated(CIPHERTEXT, e);
    }
  }

  /**
   * The bytes of a symmetric ciphertext in seeded form (level, scale, c0 and the 32-byte seed of
   * c1: half the bytes), as made by an Encryptor with the engine's AES-CTR seed generator (the
   * default).
   *
   * @throws IllegalArgumentException if the seed does not expand to the ciphertext's c1 with
   *     AES-CTR (a ciphertext seeded with another generator, such as SEAL's, or changed after
   *     encryption: write it full)
   * @throws ParameterMismatchException if the ciphertext belongs to other parameters than this
   *     codec's
   */
  public byte[] write(SeededCiphertext seeded) {
    Ciphertext ct = seeded.ciphertext();
    params.check(ct.parametersId(), "seeded ciphertext", WRITE);
    byte[] seed = seeded.seed();
    if (seed.length != Csprng.SEED_BYTES) {
      throw new IllegalArgumentException(
          WRITE
              + ": the seed of this ciphertext has "
              + seed.length
              + " bytes, not"
              + " AES-CTR's "
              + Csprng.SEED_BYTES
              + ", so it does not expand to its c1 with the engine's AES-CTR"
              + " (seeded with another generator): write it full");
    }
    Ciphertext expanded =
        SeededCiphertext.expand(
            params, ct.poly(0).limbs(), ct.level(), ct.scale(), seed, Csprng.AES_CTR);
    for (int j = 0; j <= ct.level(); j++) {
      if (!Arrays.equals(expanded.poly(1).limb(j), ct.poly(1).limb(j))) {
        throw new IllegalArgumentException(
            WRITE
                + ": the seed of this ciphertext does not expand to its c1 with"
                + " the engine's AES-CTR (seeded with another generator, or changed since): write it full");
      }
    }
    ByteBuffer out = object(SEEDED_CIPHERTEXT, 4 + 8 + polyBytes(ct.level() + 1) + seed.length);
    out.putInt(ct.level()).putDouble(ct.scale());
    putPoly(out, ct.poly(0));
    out.put(seed);
    return out.array();
  }

  /**
   * Reads a seeded ciphertext, expanding c1 from its seed with AES-CTR.
   *
   * @throws EngineFormatException if malformed or of other parameters
   */
  public Ciphertext readSeededCiphertext(byte[] data) {
    ByteBuffer in = openObject(data, SEEDED_CIPHERTEXT);
    try {
      int level = in.getInt();
      double scale = in.getDouble();
      if (level < 0 || level > params.maxLevel()) {
        throw new EngineFormatException(
            "seeded ciphertext: level " + level + " is not in [0, " + params.maxLevel() + "]");
      }
      RnsPoly c0 = new RnsPoly(params.n(), level + 1, true);
      getPoly(in, c0, "seeded ciphertext c0");
      byte[] seed = new byte[Csprng.SEED_BYTES];
      in.get(seed);
      end(in, SEEDED_CIPHERTEXT);
      try {
        return SeededCiphertext.expand(params, c0.limbs(), level, scale, seed, Csprng.AES_CTR);
      } catch (HeException e) {
        throw new EngineFormatException("seeded ciphertext: " + e.getMessage(), e);
      }
    } catch (BufferUnderflowException e) {
      throw truncated(SEEDED_CIPHERTEXT, e);
    }
  }

  // ---------------------------------------------------------------- secret and public keys

  /**
   * The bytes of a secret key: it decrypts everything, so only ever write it encrypted or to the
   * key holder's own storage.
   *
   * @throws ParameterMismatchException if the key belongs to other parameters than this codec's
   * @throws IllegalStateException if the key was destroyed
   */
  public byte[] write(SecretKey sk) {
    params.check(sk.parametersId(), "secret key", WRITE);
    ByteBuffer out = object(SECRET_KEY, polyBytes(params.keyLimbCount()));
    putPoly(out, sk.poly());
    return out.array();
  }

  /**
   * Reads a secret key.
   *
   * @throws EngineFormatException if malformed or of other parameters
   */
  public SecretKey readSecretKey(byte[] data) {
    ByteBuffer in = openObject(data, SECRET_KEY);
    try {
      RnsPoly s = new RnsPoly(params.n(), params.keyLimbCount(), true);
      getPoly(in, s, "secret key");
      end(in, SECRET_KEY);
      return new SecretKey(params, s);
    } catch (BufferUnderflowException e) {
      throw truncated(SECRET_KEY, e);
    }
  }

  /**
   * The bytes of a public key, seeded (p0 and the seed of p1) or full.
   *
   * @throws IllegalArgumentException if seeded and the key has no AES-CTR seed (see {@link
   *     #write(RelinKeys, boolean)})
   * @throws ParameterMismatchException if the key belongs to other parameters than this codec's
   */
  public byte[] write(PublicKey pk, boolean seeded) {
    params.check(pk.parametersId(), "public key", WRITE);
    byte[] seed = seeded ? seed(pk.seed(), "public key") : null;
    ByteBuffer out = object(PUBLIC_KEY, keyCiphertextBytes(seeded));
    putKeyCiphertext(out, pk.p0(), pk.p1(), seed);
    return out.array();
  }

  /**
   * Reads a public key, seeded or full.
   *
   * @throws EngineFormatException if malformed or of other parameters
   */
  public PublicKey readPublicKey(byte[] data) {
    ByteBuffer in = openObject(data, PUBLIC_KEY);
    try {
      RnsPoly[] ba = new RnsPoly[2];
      KeySeed seed = getKeyCiphertext(in, ba, "public key");
      end(in, PUBLIC_KEY);
      return new PublicKey(params, ba[0], ba[1], seed);
    } catch (BufferUnderflowException e) {
      throw truncated(PUBLIC_KEY, e);
    }
  }

  // ---------------------------------------------------------------- key-switching keys

  /**
   * The bytes of relinearization keys, seeded (each b_j and the AES-CTR seed of a_j: half the
   * bytes) or full.
   *
   * @throws IllegalArgumentException if seeded and a digit has no recorded seed or one of another
   *     generator than the engine's AES-CTR (e.g. SEAL's: write those with SealCodec or in full
   *     form)
   * @throws ParameterMismatchException if the keys belong to other parameters than this codec's
   */
  public byte[] write(RelinKeys rk, boolean seeded) {
    params.check(rk.parametersId(), "relinearization keys", WRITE);
    ByteBuffer out = object(RELIN_KEYS, keySwitchKeyBytes(seeded));
    putKeySwitchKey(out, rk.key(), seeded, "relinearization key");
    return out.array();
  }

  /**
   * Reads relinearization keys, seeded or full.
   *
   * @throws EngineFormatException if malformed or of other parameters
   */
  public RelinKeys readRelinKeys(byte[] data) {
    ByteBuffer in = openObject(data, RELIN_KEYS);
    try {
      RelinKeys rk = new RelinKeys(getKeySwitchKey(in, "relinearization key"));
      end(in, RELIN_KEYS);
      return rk;
    } catch (BufferUnderflowException e) {
      throw truncated(RELIN_KEYS, e);
    }
  }

  /**
   * The bytes of Galois keys (their elements and keys), seeded or full.
   *
   * @throws IllegalArgumentException as {@link #write(RelinKeys, boolean)}, or if the keys do not
   *     fit one byte array (2 GiB: write fewer at a time, see {@link GaloisKeys#restrictTo})
   * @throws ParameterMismatchException if the keys belong to other parameters than this codec's
   */
  public byte[] write(GaloisKeys gk, boolean seeded) {
    params.check(gk.parametersId(), "Galois keys", WRITE);
    ByteBuffer out =
        object(GALOIS_KEYS, 4 + (4 + keySwitchKeyBytes(seeded)) * gk.elements().size());
    out.putInt(gk.elements().size());
    for (int g : gk.elements()) {
      out.putInt(g);
      putKeySwitchKey(out, gk.get(g), seeded, "Galois key for element " + g);
    }
    return out.array();
  }

  /**
   * Reads Galois keys, seeded or full.
   *
   * @throws EngineFormatException if malformed or of other parameters
   */
  public GaloisKeys readGaloisKeys(byte[] data) {
    ByteBuffer in = openObject(data, GALOIS_KEYS);
    try {
      int count = in.getInt();
      if (count < 0 || count > params.n()) {
        throw new EngineFormatException("Galois keys: key count " + count + " is not in [0, N]");
      }
      Map<Integer, KeySwitchKey> keys = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        int g = in.getInt();
        if ((g & 1) == 0 || g < 1 || g >= 2 * params.n() || keys.containsKey(g)) {
          throw new EngineFormatException(
              "Galois keys: element " + g + " is not odd in [1, 2N) or is repeated");
        }
        keys.put(g, getKeySwitchKey(in, "Galois key for element " + g));
      }
      end(in, GALOIS_KEYS);
      return new GaloisKeys(params, keys);
    } catch (BufferUnderflowException e) {
      throw truncated(GALOIS_KEYS, e);
    }
  }

  // ---------------------------------------------------------------- layout helpers

  /**
   * Bytes of the residues of a polynomial's first {@code limbs} limbs, packed.
   *
   * @throws IllegalArgumentException if limbs is not in [1, the key limbs]
   */
  public long polyBytes(int limbs) {
    if (limbs < 1 || limbs > widths.length) {
      throw new IllegalArgumentException(
          "polyBytes: limbs must be in [1, " + widths.length + "], got " + limbs);
    }
    long bytes = 0;
    for (int i = 0; i < limbs; i++) {
      bytes += limbBytes(i);
    }
    return bytes;
  }

  private long limbBytes(int i) {
    return ((long) params.n() * widths[i] + 7) / 8;
  }

  /** A key ciphertext (b, a) at the key level: a seeded flag, b, then a or its seed. */
  private long keyCiphertextBytes(boolean seeded) {
    return 1
        + polyBytes(params.keyLimbCount())
        + (seeded ? Csprng.SEED_BYTES : polyBytes(params.keyLimbCount()));
  }

  private long keySwitchKeyBytes(boolean seeded) {
    return 4 + keyCiphertextBytes(seeded) * params.keySwitchLayout().digitCount();
  }

  private static ByteBuffer header(byte kind, long bodyBytes) {
    long total = HEADER + bodyBytes;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          WRITE
              + ": "
              + KINDS[kind]
              + " of "
              + total
              + " bytes do not fit one byte array; write fewer at a time");
    }
    return ByteBuffer.allocate((int) total).putInt(MAGIC).put(VERSION).put(kind);
  }

  private ByteBuffer object(byte kind, long bodyBytes) {
    return header(kind, 8 + bodyBytes).putLong(params.id());
  }

  private static ByteBuffer open(byte[] data, byte kind) {
    ByteBuffer in = ByteBuffer.wrap(data);
    if (data.length < HEADER || in.getInt() != MAGIC) {
      throw new EngineFormatException(KINDS[kind] + ": not an engine object (no BTHE magic)");
    }
    byte version = in.get();
    if (version < 1 || version > VERSION) {
      throw new EngineFormatException(
          KINDS[kind] + ": version " + version + " not supported (reads 1 to " + VERSION + ")");
    }
    byte got = in.get();
    if (got != kind) {
      throw new EngineFormatException(
          "expected "
              + KINDS[kind]
              + ", got "
              + (got > 0 && got < KINDS.length ? KINDS[got] : "kind " + got));
    }
    return in;
  }

  private ByteBuffer openObject(byte[] data, byte kind) {
    ByteBuffer in = open(data, kind);
    if (in.remaining() < 8) {
      throw truncated(kind, null);
    }
    long id = in.getLong();
    if (id != params.id()) {
      throw new EngineFormatException(
          KINDS[kind]
              + ": belongs to parameter set "
              + Long.toHexString(id)
              + ", not "
              + Long.toHexString(params.id())
              + " "
              + params);
    }
    return in;
  }

  private static void end(ByteBuffer in, byte kind) {
    if (in.hasRemaining()) {
      throw new EngineFormatException(
          KINDS[kind] + ": " + in.remaining() + " bytes after the object");
    }
  }

  private static EngineFormatException truncated(byte kind, Throwable cause) {
    return new EngineFormatException(KINDS[kind] + ": truncated", cause);
  }

  /** Each limb's residues as one little-endian bit string of its prime's width per residue. */
  private void putPoly(ByteBuffer out, RnsPoly p) {
    ByteOrder order = out.order();
    out.order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < p.limbCount(); i++) {
      int w = widths[i];
      long acc = 0;
      int bits = 0; // bits of acc in use, below 64
      for (long v : p.limb(i)) {
        acc |= v << bits;
        if (bits + w >= 64) {
          out.putLong(acc);
          acc = bits == 0 ? 0 : v >>> (64 - bits);
          bits += w - 64;
        } else {
          bits += w;
        }
      }
      for (; bits > 0; bits -= 8, acc >>>= 8) {
        out.put((byte) acc);
      }
    }
    out.order(order);
  }

  /** Fills p's limbs, each residue checked below its prime. */
  private void getPoly(ByteBuffer in, RnsPoly p, String what) {
    // the version byte sits at a fixed place of every object's header
    boolean packed = in.get(4) >= PACKED;
    for (int i = 0; i < p.limbCount(); i++) {
      long[] limb = p.limb(i);
      long bytes = packed ? limbBytes(i) : 8L * limb.length;
      if (in.remaining() < bytes) {
        throw new BufferUnderflowException();
      }
      if (packed) {
        unpack(in, limb, widths[i], (int) bytes);
      } else {
        in.asLongBuffer().get(limb);
        in.position(in.position() + 8 * limb.length);
      }
      long q = moduli[i].value();
      for (long v : limb) {
        if (v < 0 || v >= q) {
          throw new EngineFormatException(
              what
                  + ": residue "
                  + Long.toUnsignedString(v)
                  + " in limb "
                  + i
                  + " is not below its prime "
                  + q);
        }
      }
    }
  }

  /** Reads {@code limb.length} residues of {@code w} bits from the next {@code bytes} bytes. */
  private static void unpack(ByteBuffer in, long[] limb, int w, int bytes) {
    int end = in.position() + bytes;
    ByteOrder order = in.order();
    in.order(ByteOrder.LITTLE_ENDIAN);
    long mask = -1L >>> (64 - w);
    long acc = 0;
    int bits = 0; // unread bits of acc, below w when a word is fetched
    for (int x = 0; x < limb.length; x++) {
      if (bits >= w) {
        limb[x] = acc & mask;
        acc >>>= w;
        bits -= w;
        continue;
      }
      long next = word(in, end);
      limb[x] = (acc | next << bits) & mask;
      acc = next >>> (w - bits);
      bits += 64 - w;
    }
    in.position(end);
    in.order(order);
  }

  /** The next 8 bytes (the buffer is little-endian here), or the fewer left before {@code end}. */
  private static long word(ByteBuffer in, int end) {
    int pos = in.position();
    if (end - pos >= 8) {
      return in.getLong();
    }
    long v = 0;
    for (int k = 0; pos + k < end; k++) {
      v |= (in.get() & 0xFFL) << (8 * k);
    }
    return v;
  }

  /**
   * The seed of a key ciphertext's a, which only the engine's own AES-CTR expansion can rebuild
   * here.
   */
  private static byte[] seed(KeySeed seed, String what) {
    if (seed == null) {
      throw new IllegalArgumentException(
          WRITE + ": " + what + " has no recorded seed, so no seeded form (write it full)");
    }
    if (seed.prng() != Csprng.AES_CTR) {
      throw new IllegalArgumentException(
          WRITE
              + ": "
              + what
              + " was expanded from a seed of another generator than"
              + " the engine's AES-CTR, which a reader would expand differently (write it full)");
    }
    return seed.seed();
  }

  private void putKeyCiphertext(ByteBuffer out, RnsPoly b, RnsPoly a, byte[] seed) {
    out.put((byte) (seed != null ? 1 : 0));
    putPoly(out, b);
    if (seed != null) {
      out.put(seed);
    } else {
      putPoly(out, a);
    }
  }

  /** Reads (b, a) into ba, expanding a from its seed when seeded; returns the seed, or null. */
  private KeySeed getKeyCiphertext(ByteBuffer in, RnsPoly[] ba, String what) {
    byte seeded = in.get();
    if (seeded != 0 && seeded != 1) {
      throw new EngineFormatException(what + ": seeded flag " + seeded + " is not 0 or 1");
    }
    int m = params.keyLimbCount();
    ba[0] = new RnsPoly(params.n(), m, true);
    ba[1] = new RnsPoly(params.n(), m, true);
    getPoly(in, ba[0], what + " b");
    if (seeded == 0) {
      getPoly(in, ba[1], what + " a");
      return null;
    }
    byte[] seed = new byte[Csprng.SEED_BYTES];
    in.get(seed);
    try (Csprng prng = new Csprng(seed)) {
      Samplers.uniform(prng, moduli, ba[1].limbs(), m);
    }
    return new KeySeed(Csprng.AES_CTR, seed);
  }

  private void putKeySwitchKey(ByteBuffer out, KeySwitchKey key, boolean seeded, String what) {
    out.putInt(key.digitCount());
    for (int j = 0; j < key.digitCount(); j++) {
      byte[] seed = seeded ? seed(key.seed(j), what + " digit " + j) : null;
      putKeyCiphertext(out, key.digit(j, 0), key.digit(j, 1), seed);
    }
  }

  private KeySwitchKey getKeySwitchKey(ByteBuffer in, String what) {
    int digits = in.getInt();
    int expected = params.keySwitchLayout().digitCount();
    if (digits != expected) {
      throw new EngineFormatException(
          what
              + ": "
              + digits
              + " digits, but the parameters' layout "
              + params.keySwitchLayout()
              + " has "
              + expected);
    }
    RnsPoly[][] polys = new RnsPoly[digits][2];
    KeySeed[] seeds = new KeySeed[digits];
    boolean allSeeded = true;
    for (int j = 0; j < digits; j++) {
      seeds[j] = getKeyCiphertext(in, polys[j], what + " digit " + j);
      allSeeded &= seeds[j] != null;
    }
    return new KeySwitchKey(params, polys, allSeeded ? seeds : null);
  }
}
