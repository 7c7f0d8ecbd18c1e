package io.blindtuner.he.seal;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.HeException;
import io.blindtuner.he.ckks.KeySeed;
import io.blindtuner.he.ckks.KeySwitchKey;
import io.blindtuner.he.ckks.KeySwitchLayout;
import io.blindtuner.he.ckks.ParameterMismatchException;
import io.blindtuner.he.ckks.Plaintext;
import io.blindtuner.he.ckks.PublicKey;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.RnsPoly;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves engine objects to and from SEAL 4.1 bytes for one parameter set. The engine follows SEAL's
 * conventions (prime order with the special prime last, bit-reversed negacyclic NTT with the
 * smallest 2N-th root, key-switching keys with one digit per data prime), so the polynomials map
 * one to one: a SEAL data level with c primes is engine level c - 1, the SEAL key level is the
 * engine's key polynomials, and SEAL's GaloisKeys index (g - 1)/2 is the engine's Galois element g.
 *
 * <p>Readers throw {@link SealFormatException} for anything malformed or not of these parameters.
 */
public final class SealCodec {
  /** The operation named in parameter-mismatch messages. */
  private static final String WRITE = "SealCodec.write";

  private final SealEncryptionParameters seal;
  private final CkksParameters ckks;

  private SealCodec(SealEncryptionParameters seal, CkksParameters ckks) {
    this.seal = seal;
    this.ckks = ckks;
  }

  /**
   * The codec for SEAL parameters, held to the 128-bit HE-standard bound.
   *
   * @throws SealFormatException if the parameters are not CKKS or the engine rejects them (not NTT
   *     primes, not 128-bit secure, ...)
   */
  public static SealCodec of(SealEncryptionParameters p) {
    return of(p, false);
  }

  /**
   * As {@link #of(SealEncryptionParameters)} but accepting insecure sets: for tests with small
   * rings only.
   */
  public static SealCodec ofInsecure(SealEncryptionParameters p) {
    return of(p, true);
  }

  private static SealCodec of(SealEncryptionParameters p, boolean insecure) {
    if (p.scheme() != SealEncryptionParameters.SCHEME_CKKS) {
      throw new SealFormatException(
          "EncryptionParameters: scheme " + p.scheme() + " is not CKKS (2)");
    }
    CkksSpec spec = CkksSpec.ofPrimes(p.degree(), p.coeffModulus());
    try {
      return new SealCodec(p, CkksParameters.create(insecure ? spec.asInsecure() : spec));
    } catch (HeException e) {
      throw new SealFormatException(
          "EncryptionParameters: not usable by the engine: " + e.getMessage(), e);
    }
  }

  /**
   * The codec for engine parameters.
   *
   * @throws IllegalArgumentException if the parameters use hybrid key switching: SEAL has one
   *     special prime and one key-switching digit per data prime, so it can read neither their keys
   *     nor their key-level objects
   */
  public static SealCodec of(CkksParameters p) {
    if (!p.keySwitchLayout().isSeal()) {
      throw new IllegalArgumentException(
          "SealCodec: "
              + p
              + " switches keys in the hybrid layout "
              + p.keySwitchLayout()
              + ", which SEAL cannot read (it has one special prime and one digit per data"
              + " prime); use parameters in SEAL's layout (a CkksSpec without withKeySwitching) for SEAL clients");
    }
    return new SealCodec(SealEncryptionParameters.ckks(p.n(), p.primes()), p);
  }

  public SealEncryptionParameters sealParameters() {
    return seal;
  }

  public CkksParameters parameters() {
    return ckks;
  }

  // ---------------------------------------------------------------- ciphertexts

  /**
   * Reads a SEAL Ciphertext (plain, seeded, zlib or zstd).
   *
   * @throws SealFormatException if malformed, of other parameters, or of size above the engine's 3
   */
  public Ciphertext readCiphertext(byte[] data) {
    return toEngine(SealWire.readCiphertext(seal, data));
  }

  /**
   * The SEAL bytes of a ciphertext (full form).
   *
   * @throws ParameterMismatchException if the ciphertext belongs to other parameters than this
   *     codec's
   */
  public byte[] write(Ciphertext ct, SealComprMode mode) {
    return SealWire.writeCiphertext(toSeal(ct, null), mode);
  }

  /**
   * The SEAL bytes of a seeded symmetric ciphertext in seeded form (c0 and the seed).
   *
   * @param prng the generator its Encryptor expanded the seed with (a {@link SealPrngFactory})
   * @throws IllegalArgumentException if the seed is not SEAL's 64 bytes
   * @throws ParameterMismatchException if the ciphertext belongs to other parameters than this
   *     codec's
   */
  public byte[] write(SeededCiphertext ct, SealPrngFactory prng, SealComprMode mode) {
    ckks.check(
        ct.ciphertext().parametersId(),
        "ciphertext",
        WRITE); // before the seed, so the message names the cause
    return SealWire.writeCiphertext(
        toSeal(ct.ciphertext(), SealPrngInfo.fromBytes(prng.type(), ct.seed())), mode);
  }

  /** The engine ciphertext of SEAL ciphertext data (seeds already expanded). */
  public Ciphertext toEngine(SealCiphertextData d) {
    if (d.size() > Ciphertext.MAX_SIZE) {
      throw new SealFormatException(
          "Ciphertext: size "
              + d.size()
              + " is valid SEAL but the engine handles at most "
              + Ciphertext.MAX_SIZE
              + " (relinearize first)");
    }
    int level = seal.primeCountOf(d.parmsId(), "Ciphertext") - 1;
    Ciphertext ct = new Ciphertext(ckks, d.size(), level, d.scale());
    for (int p = 0; p < d.size(); p++) {
      copyLimbs(d.polys()[p], ct.poly(p));
    }
    return ct;
  }

  /**
   * SEAL ciphertext data of an engine ciphertext; seeded form if seed is not null (size 2 only).
   *
   * @throws ParameterMismatchException if the ciphertext belongs to other parameters than this
   *     codec's (its polynomials would be labelled with a parms_id they do not belong to)
   */
  public SealCiphertextData toSeal(Ciphertext ct, SealPrngInfo seed) {
    ckks.check(ct.parametersId(), "ciphertext", WRITE);
    long[][][] polys = new long[ct.size()][][];
    for (int p = 0; p < ct.size(); p++) {
      polys[p] = ct.poly(p).limbs();
    }
    return new SealCiphertextData(seal.parmsId(ct.level() + 1), true, polys, ct.scale(), 1, seed);
  }

  // ---------------------------------------------------------------- plaintexts and secret keys

  /**
   * Reads a SEAL CKKS Plaintext.
   *
   * @throws SealFormatException if malformed or of other parameters
   */
  public Plaintext readPlaintext(byte[] data) {
    SealPlaintextData d = SealWire.readPlaintext(seal, data);
    int count = d.limbs().length;
    if (count > ckks.maxLevel() + 1) {
      throw new SealFormatException(
          "Plaintext: at the key level; the engine holds plaintexts at data levels only");
    }
    Plaintext pt = new Plaintext(ckks, count - 1, d.scale());
    copyLimbs(d.limbs(), pt.poly());
    return pt;
  }

  /**
   * The SEAL bytes of a plaintext.
   *
   * @throws ParameterMismatchException if the plaintext belongs to other parameters than this
   *     codec's
   */
  public byte[] write(Plaintext pt, SealComprMode mode) {
    ckks.check(pt.parametersId(), "plaintext", WRITE);
    return SealWire.writePlaintext(
        new SealPlaintextData(seal.parmsId(pt.level() + 1), pt.poly().limbs(), pt.scale()), mode);
  }

  /**
   * Reads a SEAL SecretKey.
   *
   * @throws SealFormatException if malformed or of other parameters
   */
  public SecretKey readSecretKey(byte[] data) {
    SealPlaintextData d = SealWire.readSecretKey(seal, data);
    RnsPoly s = new RnsPoly(ckks.n(), ckks.keyLimbCount(), true);
    copyLimbs(d.limbs(), s);
    return new SecretKey(ckks, s);
  }

  /**
   * The SEAL bytes of a secret key.
   *
   * @throws ParameterMismatchException if the key belongs to other parameters than this codec's
   */
  public byte[] write(SecretKey sk, SealComprMode mode) {
    ckks.check(sk.parametersId(), "secret key", WRITE);
    return SealWire.writePlaintext(
        new SealPlaintextData(seal.keyParmsId(), sk.poly().limbs(), 1.0), mode);
  }

  // ---------------------------------------------------------------- public and key-switching keys

  /**
   * Reads a SEAL PublicKey (plain or seeded).
   *
   * @throws SealFormatException if malformed or of other parameters
   */
  public PublicKey readPublicKey(byte[] data) {
    SealCiphertextData d = SealWire.readPublicKey(seal, data);
    return new PublicKey(ckks, keyPoly(d.polys()[0]), keyPoly(d.polys()[1]));
  }

  /**
   * The SEAL bytes of a public key (full form).
   *
   * @throws ParameterMismatchException if the key belongs to other parameters than this codec's
   */
  public byte[] write(PublicKey pk, SealComprMode mode) {
    return write(pk, false, mode);
  }

  /**
   * The SEAL bytes of a public key in seeded form (p0 and the recorded seed of p1), about half the
   * size.
   *
   * @throws IllegalArgumentException if the key has no recorded seed or its seed was not expanded
   *     with SEAL's PRNG (make it with a KeyGenerator given a {@link SealPrngFactory})
   * @throws ParameterMismatchException if the key belongs to other parameters than this codec's
   */
  public byte[] writeSeeded(PublicKey pk, SealComprMode mode) {
    return write(pk, true, mode);
  }

  private byte[] write(PublicKey pk, boolean seeded, SealComprMode mode) {
    ckks.check(pk.parametersId(), "public key", WRITE);
    return SealWire.writeCiphertext(
        keyCiphertext(pk.p0(), pk.p1(), seeded ? sealSeed(pk.seed(), "public key") : null), mode);
  }

  /**
   * Reads SEAL RelinKeys.
   *
   * @throws SealFormatException if malformed or of other parameters
   */
  public RelinKeys readRelinKeys(byte[] data) {
    return new RelinKeys(keySwitchKey(SealWire.readRelinKeys(seal, data).keys().get(0)));
  }

  /**
   * The SEAL bytes of relinearization keys (full form).
   *
   * @throws IllegalArgumentException if the keys are in the hybrid key-switching layout, which SEAL
   *     cannot read
   * @throws ParameterMismatchException if the keys belong to other parameters than this codec's
   */
  public byte[] write(RelinKeys rk, SealComprMode mode) {
    return write(rk, false, mode);
  }

  /**
   * The SEAL bytes of relinearization keys in seeded form (each b_i and the recorded seed of a_i).
   *
   * @throws IllegalArgumentException if the keys have no recorded seeds or were not expanded with
   *     SEAL's PRNG (make them with a KeyGenerator given a {@link SealPrngFactory}), or are in the
   *     hybrid key-switching layout
   * @throws ParameterMismatchException if the keys belong to other parameters than this codec's
   */
  public byte[] writeSeeded(RelinKeys rk, SealComprMode mode) {
    return write(rk, true, mode);
  }

  private byte[] write(RelinKeys rk, boolean seeded, SealComprMode mode) {
    requireSealLayout(rk.key().layout(), "relinearization keys");
    ckks.check(rk.parametersId(), "relinearization keys", WRITE);
    return SealWire.writeKSwitchKeys(
        new SealKSwitchKeysData(
            seal.keyParmsId(), List.of(parts(rk.key(), seeded, "relinearization key"))),
        mode);
  }

  /**
   * SEAL has one special prime and one key-switching digit per data prime: a hybrid key has no SEAL
   * form.
   */
  private static void requireSealLayout(KeySwitchLayout layout, String what) {
    if (!layout.isSeal()) {
      throw new IllegalArgumentException(
          WRITE
              + ": "
              + what
              + " are in the hybrid key-switching layout "
              + layout
              + ", which SEAL cannot read; SEAL clients need keys made with parameters in SEAL's layout");
    }
  }

  /**
   * Reads SEAL GaloisKeys.
   *
   * @throws SealFormatException if malformed or of other parameters
   */
  public GaloisKeys readGaloisKeys(byte[] data) {
    SealKSwitchKeysData d = SealWire.readGaloisKeys(seal, data);
    Map<Integer, KeySwitchKey> keys = new LinkedHashMap<>();
    for (int i = 0; i < d.keys().size(); i++) {
      if (d.hasKey(i)) {
        keys.put(2 * i + 1, keySwitchKey(d.keys().get(i)));
      }
    }
    return new GaloisKeys(ckks, keys);
  }

  /**
   * The SEAL bytes of Galois keys (full form).
   *
   * @throws IllegalArgumentException if the keys are in the hybrid key-switching layout, which SEAL
   *     cannot read
   * @throws ParameterMismatchException if the keys belong to other parameters than this codec's
   */
  public byte[] write(GaloisKeys gk, SealComprMode mode) {
    return write(gk, false, mode);
  }

  /**
   * The SEAL bytes of Galois keys in seeded form (each b_i and the recorded seed of a_i).
   *
   * @throws IllegalArgumentException if a key has no recorded seeds or was not expanded with SEAL's
   *     PRNG (make them with a KeyGenerator given a {@link SealPrngFactory}), or are in the hybrid
   *     key-switching layout
   * @throws ParameterMismatchException if the keys belong to other parameters than this codec's
   */
  public byte[] writeSeeded(GaloisKeys gk, SealComprMode mode) {
    return write(gk, true, mode);
  }

  private byte[] write(GaloisKeys gk, boolean seeded, SealComprMode mode) {
    requireSealLayout(gk.layout(), "Galois keys");
    ckks.check(gk.parametersId(), "Galois keys", WRITE);
    int max = gk.elements().stream().mapToInt(Integer::intValue).max().orElse(1);
    List<List<SealCiphertextData>> keys = new ArrayList<>();
    for (int i = 0; i <= SealKSwitchKeysData.galoisIndex(max); i++) {
      int g = 2 * i + 1;
      keys.add(gk.has(g) ? parts(gk.get(g), seeded, "Galois key for element " + g) : List.of());
    }
    return SealWire.writeKSwitchKeys(new SealKSwitchKeysData(seal.keyParmsId(), keys), mode);
  }

  /**
   * The engine key-switching key of SEAL key parts (one size-2 key-level ciphertext per data
   * prime).
   */
  KeySwitchKey keySwitchKey(List<SealCiphertextData> parts) {
    RnsPoly[][] digits = new RnsPoly[parts.size()][];
    for (int i = 0; i < parts.size(); i++) {
      digits[i] =
          new RnsPoly[] {keyPoly(parts.get(i).polys()[0]), keyPoly(parts.get(i).polys()[1])};
    }
    return new KeySwitchKey(ckks, digits);
  }

  /** SEAL key parts of a key-switching key, seeded form if {@code seeded}. */
  private List<SealCiphertextData> parts(KeySwitchKey k, boolean seeded, String what) {
    List<SealCiphertextData> parts = new ArrayList<>();
    for (int i = 0; i < k.digitCount(); i++) {
      SealPrngInfo seed = seeded ? sealSeed(k.seed(i), what + " digit " + i) : null;
      parts.add(keyCiphertext(k.digit(i, 0), k.digit(i, 1), seed));
    }
    return parts;
  }

  private SealCiphertextData keyCiphertext(RnsPoly b, RnsPoly a, SealPrngInfo seed) {
    return new SealCiphertextData(
        seal.keyParmsId(), true, new long[][][] {b.limbs(), a.limbs()}, 1.0, 1, seed);
  }

  /**
   * SEAL's seed record of a key ciphertext: only a seed that SEAL's PRNG expands to the same a will
   * do.
   */
  private static SealPrngInfo sealSeed(KeySeed seed, String what) {
    if (seed == null) {
      throw new IllegalArgumentException(
          what + ": no recorded seed, so no seeded form (write the full form)");
    }
    if (!(seed.prng() instanceof SealPrngFactory f)) {
      throw new IllegalArgumentException(
          what
              + ": seed is for another PRNG than SEAL's, which would expand it to "
              + "another a; make the key with a KeyGenerator given a SealPrngFactory");
    }
    return SealPrngInfo.fromBytes(f.type(), seed.seed());
  }

  private RnsPoly keyPoly(long[][] limbs) {
    RnsPoly p = new RnsPoly(ckks.n(), ckks.keyLimbCount(), true);
    copyLimbs(limbs, p);
    return p;
  }

  private static void copyLimbs(long[][] src, RnsPoly dst) {
    for (int i = 0; i < src.length; i++) {
      System.arraycopy(src[i], 0, dst.limb(i), 0, src[i].length);
    }
  }
}
