package io.blindtuner.he.wire;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Csprng;
import io.blindtuner.he.ring.PrngFactory;
import io.blindtuner.he.seal.SealCodec;
import io.blindtuner.he.seal.SealComprMode;
import io.blindtuner.he.seal.SealPrngFactory;

/**
 * The wire format of the ciphertexts and evaluation keys of one parameter set, chosen by its
 * key-switching layout: SEAL's format ({@link SealCodec}) for SEAL's layout, so that a SEAL client
 * can take part; the engine's ({@link EngineCodec}) for the hybrid layout, which SEAL's format
 * cannot hold. Seeded forms expand with the format's generator ({@link #seedPrng}): whoever
 * encrypts for the wire seeds with it. Immutable and thread-safe.
 */
public final class WireCodec {
  /** SEAL's default seed generator: what a SEAL reader expands seeded objects with. */
  private static final SealPrngFactory SEAL_SEEDS = SealPrngFactory.BLAKE2XB;

  private final CkksParameters params;
  private final SealCodec seal;
  private final EngineCodec engine;

  private WireCodec(CkksParameters params) {
    this.params = params;
    boolean sealLayout = params.keySwitchLayout().isSeal();
    this.seal = sealLayout ? SealCodec.of(params) : null;
    this.engine = sealLayout ? null : EngineCodec.of(params);
  }

  /** The codec of objects of these parameters. */
  public static WireCodec of(CkksParameters params) {
    return new WireCodec(params);
  }

  /**
   * The generator that seeds objects of {@code params} for the wire: SEAL's BLAKE2Xb in SEAL's
   * layout (any SEAL reader expands the same polynomials); the engine's AES-CTR (hardware AES,
   * faster to expand) in the hybrid layout, which only our engine reads.
   */
  public static PrngFactory seedPrng(CkksParameters params) {
    return params.keySwitchLayout().isSeal() ? SEAL_SEEDS : Csprng.AES_CTR;
  }

  public CkksParameters parameters() {
    return params;
  }

  /**
   * Bytes of the residues of one polynomial of {@code limbs} limbs in this format, headers apart: 8
   * a residue in SEAL's (uncompressed), packed at the primes' widths in the engine's.
   *
   * @throws IllegalArgumentException if limbs is not in [1, the key limbs]
   */
  public long polyBytes(int limbs) {
    if (engine != null) {
      return engine.polyBytes(limbs);
    }
    if (limbs < 1 || limbs > params.keyLimbCount()) {
      throw new IllegalArgumentException(
          "polyBytes: limbs must be in [1, " + params.keyLimbCount() + "], got " + limbs);
    }
    return 8L * params.n() * limbs;
  }

  /** Bytes of a ciphertext's residues in full form ({@link #write(Ciphertext)}), headers apart. */
  public long residueBytes(Ciphertext ct) {
    return ct.size() * polyBytes(ct.level() + 1);
  }

  /**
   * Bytes of a fresh ciphertext's seeded form ({@link #write(SeededCiphertext)}): c0's residues and
   * the seed of c1, headers apart.
   */
  public long seededBytes(Ciphertext ct) {
    return polyBytes(ct.level() + 1)
        + (engine != null ? Csprng.SEED_BYTES : SEAL_SEEDS.seedBytes());
  }

  /**
   * The bytes of a ciphertext, full form.
   *
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if it belongs to other parameters
   */
  public byte[] write(Ciphertext ct) {
    return seal != null ? seal.write(ct, SealComprMode.NONE) : engine.write(ct);
  }

  /**
   * The bytes of a fresh ciphertext in seeded form (c0 and the seed of c1: about half the bytes).
   *
   * @throws IllegalArgumentException if its seed is not of {@link #seedPrng}'s generator
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if it belongs to other parameters
   */
  public byte[] write(SeededCiphertext ct) {
    return seal != null ? seal.write(ct, SEAL_SEEDS, SealComprMode.NONE) : engine.write(ct);
  }

  /**
   * Reads a ciphertext, full or seeded.
   *
   * @throws io.blindtuner.he.seal.SealFormatException (SEAL's layout) or {@link
   *     EngineFormatException} (hybrid) saying what is wrong if malformed or of other parameters
   */
  public Ciphertext readCiphertext(byte[] data) {
    return seal != null ? seal.readCiphertext(data) : engine.readCiphertext(data);
  }

  /**
   * The bytes of relinearization keys in seeded form.
   *
   * @throws IllegalArgumentException if their seeds are not of {@link #seedPrng}'s generator
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if they belong to other parameters
   */
  public byte[] writeSeeded(RelinKeys rk) {
    return seal != null ? seal.writeSeeded(rk, SealComprMode.NONE) : engine.write(rk, true);
  }

  /**
   * The bytes of Galois keys in seeded form.
   *
   * @throws IllegalArgumentException if their seeds are not of {@link #seedPrng}'s generator, or
   *     they do not fit one byte array
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if they belong to other parameters
   */
  public byte[] writeSeeded(GaloisKeys gk) {
    return seal != null ? seal.writeSeeded(gk, SealComprMode.NONE) : engine.write(gk, true);
  }

  /**
   * Reads relinearization keys, seeded or full.
   *
   * @throws io.blindtuner.he.seal.SealFormatException or {@link EngineFormatException} as {@link
   *     #readCiphertext}
   */
  public RelinKeys readRelinKeys(byte[] data) {
    return seal != null ? seal.readRelinKeys(data) : engine.readRelinKeys(data);
  }

  /**
   * Reads Galois keys, seeded or full.
   *
   * @throws io.blindtuner.he.seal.SealFormatException or {@link EngineFormatException} as {@link
   *     #readCiphertext}
   */
  public GaloisKeys readGaloisKeys(byte[] data) {
    return seal != null ? seal.readGaloisKeys(data) : engine.readGaloisKeys(data);
  }
}
