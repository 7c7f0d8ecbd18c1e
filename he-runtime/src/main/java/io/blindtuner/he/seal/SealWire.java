package io.blindtuner.he.seal;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes SEAL 4.1 Ciphertext, PublicKey, Plaintext, SecretKey, RelinKeys and GaloisKeys
 * (CKKS) against known encryption parameters; reads SEAL 3.4 and later.
 *
 * <p>Every reader validates before it allocates: the parms_id must name a level of the parameters,
 * N and the prime count must match that level, sizes and counts must be those the level implies,
 * every coefficient must be below its prime, and the declared byte sizes must be consumed exactly.
 * Anything else raises {@link SealFormatException} naming the object and field.
 */
public final class SealWire {
  private SealWire() {}

  // ---------------------------------------------------------------- ciphertexts and public keys

  /**
   * Reads a Ciphertext at a data level (seeded form expanded).
   *
   * @throws SealFormatException if the bytes are malformed or do not fit the parameters
   */
  public static SealCiphertextData readCiphertext(SealEncryptionParameters p, byte[] data) {
    return readCiphertext(p, data, SealSerialization.DEFAULT_MAX_BYTES);
  }

  /**
   * As {@link #readCiphertext(SealEncryptionParameters, byte[])} with a cap on decompressed bytes.
   */
  public static SealCiphertextData readCiphertext(
      SealEncryptionParameters p, byte[] data, long maxBytes) {
    String what = "Ciphertext";
    SealCiphertextData ct =
        SealSerialization.load(
            data, what, maxBytes, lc -> readCiphertextMembers(lc.in(), lc.header(), p, what));
    if (p.primeCount() > 1 && ct.parmsId().equals(p.keyParmsId())) {
      throw new SealFormatException(
          what + ": parms_id is the key level, which holds keys, not ciphertexts");
    }
    return ct;
  }

  /**
   * Reads a PublicKey: a size-2 ciphertext at the key level (possibly seeded).
   *
   * @throws SealFormatException if malformed, not at the key level or not of size 2
   */
  public static SealCiphertextData readPublicKey(SealEncryptionParameters p, byte[] data) {
    String what = "PublicKey";
    return SealSerialization.load(
        data,
        what,
        SealSerialization.DEFAULT_MAX_BYTES,
        lc -> checkKeyCiphertext(readCiphertextMembers(lc.in(), lc.header(), p, what), p, what));
  }

  /** The SEAL 4.1 bytes of a Ciphertext or PublicKey; seeded form if the data carries a seed. */
  public static byte[] writeCiphertext(SealCiphertextData ct, SealComprMode mode) {
    long n = (long) ct.size() * ct.primeCount() * ct.degree();
    return SealSerialization.save(
        mode,
        (int) Math.min(Integer.MAX_VALUE - 64, 8 * n + 256),
        o -> writeCiphertextMembers(o, ct));
  }

  static SealCiphertextData readCiphertextMembers(
      SealInput in, SealHeader h, SealEncryptionParameters p, String what) {
    SealParmsId id = SealParmsId.read(in);
    int ntt = in.u8("is_ntt_form");
    long size = in.u64("size");
    long n = in.u64("poly_modulus_degree");
    long k = in.u64("coeff_modulus_size");
    double scale = in.f64("scale");
    long cf = h.hasCorrectionFactor() ? in.u64("correction_factor") : 1;
    int count = p.primeCountOf(id, what);
    if (n != p.degree()) {
      throw new SealFormatException(
          what
              + ": poly_modulus_degree "
              + Long.toUnsignedString(n)
              + " but the parameters have N="
              + p.degree());
    }
    if (k != count) {
      throw new SealFormatException(
          what
              + ": coeff_modulus_size "
              + Long.toUnsignedString(k)
              + " but its parms_id level has "
              + count
              + " primes");
    }
    if (Long.compareUnsigned(size, SealCiphertextData.MIN_SIZE) < 0
        || Long.compareUnsigned(size, SealCiphertextData.MAX_SIZE) > 0) {
      throw new SealFormatException(
          what + ": size " + Long.toUnsignedString(size) + " outside [2, 16]");
    }
    if (ntt > 1 || (p.scheme() == SealEncryptionParameters.SCHEME_CKKS && ntt != 1)) {
      throw new SealFormatException(
          what + ": is_ntt_form byte " + ntt + " (CKKS ciphertexts are in NTT form)");
    }
    long[] primes = p.primes(count);
    checkScale(scale, primes, what);
    if (p.scheme() == SealEncryptionParameters.SCHEME_CKKS && cf != 1) {
      throw new SealFormatException(
          what + ": correction_factor " + Long.toUnsignedString(cf) + " (must be 1 for CKKS)");
    }
    int sz = (int) size;
    int deg = (int) n;
    long full = (long) sz * count * deg;
    long half = (long) count * deg;
    long[][][] polys = new long[sz][][];
    boolean seeded =
        in.nested(
            "data",
            dh -> {
              long c = in.u64("data size");
              boolean s;
              if (c == full) {
                s = false;
              } else if (c == half && sz == 2) {
                s = true;
              } else {
                throw new SealFormatException(
                    what
                        + ": data holds "
                        + Long.toUnsignedString(c)
                        + " words; expected "
                        + full
                        + (sz == 2 ? " (or " + half + " when seeded)" : ""));
              }
              int stored = s ? 1 : sz;
              for (int pi = 0; pi < stored; pi++) {
                polys[pi] = readLimbs(in, primes, deg, what + " polynomial " + pi);
              }
              return s;
            });
    SealPrngInfo info = null;
    if (seeded) {
      if (h.versionMajor() == 4 || h.versionMinor() >= 6) {
        info = in.nested("prng info", ih -> readPrngInfo(in));
      } else {
        long[] seed = new long[SealPrngInfo.SEED_WORDS];
        in.longs(seed, 0, seed.length, "seed");
        info = new SealPrngInfo(SealPrngType.BLAKE2XB, seed);
      }
      polys[1] = SealUniformSampler.sample(info, primes, deg, h.versionMajor(), h.versionMinor());
    }
    return new SealCiphertextData(id, ntt == 1, polys, scale, cf, info);
  }

  static void writeCiphertextMembers(SealOutput o, SealCiphertextData ct) {
    ct.parmsId().write(o);
    o.u8(ct.nttForm() ? 1 : 0);
    o.u64(ct.size());
    o.u64(ct.degree());
    o.u64(ct.primeCount());
    o.f64(ct.scale());
    o.u64(ct.correctionFactor());
    int stored = ct.seed() != null ? 1 : ct.size();
    long words = (long) stored * ct.primeCount() * ct.degree();
    o.nested(
        (int) Math.min(Integer.MAX_VALUE - 64, 8 * words + 8),
        d -> {
          d.u64(words);
          for (int pi = 0; pi < stored; pi++) {
            for (long[] limb : ct.polys()[pi]) {
              d.longs(limb, 0, limb.length);
            }
          }
        });
    if (ct.seed() != null) {
      o.nested(
          65,
          s -> {
            s.u8(ct.seed().type().code());
            s.longs(ct.seed().seed(), 0, SealPrngInfo.SEED_WORDS);
          });
    }
  }

  private static SealPrngInfo readPrngInfo(SealInput in) {
    SealPrngType type = SealPrngType.fromCode(in.u8("prng_type"));
    long[] seed = new long[SealPrngInfo.SEED_WORDS];
    in.longs(seed, 0, seed.length, "seed");
    return new SealPrngInfo(type, seed);
  }

  private static SealCiphertextData checkKeyCiphertext(
      SealCiphertextData ct, SealEncryptionParameters p, String what) {
    if (!ct.parmsId().equals(p.keyParmsId())) {
      throw new SealFormatException(what + ": parms_id is not the key level of the parameters");
    }
    if (ct.size() != 2) {
      throw new SealFormatException(
          what + ": size " + ct.size() + " (a key ciphertext has size 2)");
    }
    return ct;
  }

  // ---------------------------------------------------------------- plaintexts and secret keys

  /**
   * Reads a CKKS Plaintext (NTT form at some level of the chain).
   *
   * @throws SealFormatException if malformed or not fitting the parameters
   */
  public static SealPlaintextData readPlaintext(SealEncryptionParameters p, byte[] data) {
    String what = "Plaintext";
    return SealSerialization.load(
        data,
        what,
        SealSerialization.DEFAULT_MAX_BYTES,
        lc -> readPlaintextMembers(lc.in(), p, what));
  }

  /**
   * Reads a SecretKey: a key-level plaintext.
   *
   * @throws SealFormatException if malformed or not at the key level
   */
  public static SealPlaintextData readSecretKey(SealEncryptionParameters p, byte[] data) {
    String what = "SecretKey";
    SealPlaintextData sk =
        SealSerialization.load(
            data,
            what,
            SealSerialization.DEFAULT_MAX_BYTES,
            lc -> readPlaintextMembers(lc.in(), p, what));
    if (!sk.parmsId().equals(p.keyParmsId())) {
      throw new SealFormatException(what + ": parms_id is not the key level of the parameters");
    }
    return sk;
  }

  /** The SEAL 4.1 bytes of a Plaintext or SecretKey. */
  public static byte[] writePlaintext(SealPlaintextData pt, SealComprMode mode) {
    int k = pt.limbs().length;
    int n = pt.limbs()[0].length;
    return SealSerialization.save(
        mode,
        8 * k * n + 128,
        o -> {
          pt.parmsId().write(o);
          o.u64((long) k * n);
          o.f64(pt.scale());
          o.nested(
              8 * k * n + 8,
              d -> {
                d.u64((long) k * n);
                for (long[] limb : pt.limbs()) {
                  d.longs(limb, 0, limb.length);
                }
              });
        });
  }

  private static SealPlaintextData readPlaintextMembers(
      SealInput in, SealEncryptionParameters p, String what) {
    SealParmsId id = SealParmsId.read(in);
    long coeffCount = in.u64("coeff_count");
    double scale = in.f64("scale");
    if (id.equals(SealParmsId.ZERO)) {
      throw new SealFormatException(
          what + ": parms_id is zero, i.e. not in NTT form; CKKS plaintexts are in NTT form");
    }
    int count = p.primeCountOf(id, what);
    long expected = (long) count * p.degree();
    if (coeffCount != expected) {
      throw new SealFormatException(
          what
              + ": coeff_count "
              + Long.toUnsignedString(coeffCount)
              + " but its level needs "
              + expected
              + " ("
              + count
              + " primes x N="
              + p.degree()
              + ")");
    }
    long[] primes = p.primes(count);
    checkScale(scale, primes, what);
    long[][] limbs =
        in.nested(
            "data",
            dh -> {
              long c = in.u64("data size");
              if (c != expected) {
                throw new SealFormatException(
                    what
                        + ": data holds "
                        + Long.toUnsignedString(c)
                        + " words; coeff_count says "
                        + expected);
              }
              return readLimbs(in, primes, p.degree(), what);
            });
    return new SealPlaintextData(id, limbs, scale);
  }

  // ---------------------------------------------------------------- key-switching keys

  /**
   * Reads RelinKeys: a key at index 0 (s^2), one key-level ciphertext per data prime.
   *
   * @throws SealFormatException if malformed or not fitting the parameters
   */
  public static SealKSwitchKeysData readRelinKeys(SealEncryptionParameters p, byte[] data) {
    SealKSwitchKeysData k =
        readKSwitchKeys(p, data, "RelinKeys", SealSerialization.DEFAULT_MAX_BYTES);
    if (!k.hasKey(0)) {
      throw new SealFormatException("RelinKeys: no key at index 0 (for s^2)");
    }
    return k;
  }

  /**
   * Reads GaloisKeys (index (g-1)/2 holds the key of Galois element g).
   *
   * @throws SealFormatException if malformed or not fitting the parameters
   */
  public static SealKSwitchKeysData readGaloisKeys(SealEncryptionParameters p, byte[] data) {
    return readGaloisKeys(p, data, SealSerialization.DEFAULT_MAX_BYTES);
  }

  /**
   * As {@link #readGaloisKeys(SealEncryptionParameters, byte[])} with a cap on decompressed bytes.
   */
  public static SealKSwitchKeysData readGaloisKeys(
      SealEncryptionParameters p, byte[] data, long maxBytes) {
    return readKSwitchKeys(p, data, "GaloisKeys", maxBytes);
  }

  /** The SEAL 4.1 bytes of RelinKeys or GaloisKeys; each key seeded if its data carries a seed. */
  public static byte[] writeKSwitchKeys(SealKSwitchKeysData keys, SealComprMode mode) {
    long words = 0;
    for (List<SealCiphertextData> v : keys.keys()) {
      for (SealCiphertextData c : v) {
        words += (long) (c.seed() != null ? 1 : c.size()) * c.primeCount() * c.degree();
      }
    }
    return SealSerialization.save(
        mode,
        (int) Math.min(Integer.MAX_VALUE - 1024, 8 * words + 1024),
        o -> {
          keys.parmsId().write(o);
          o.u64(keys.keys().size());
          for (List<SealCiphertextData> v : keys.keys()) {
            o.u64(v.size());
            for (SealCiphertextData c : v) {
              o.nested(
                  8 * c.size() * c.primeCount() * c.degree() + 256,
                  pk -> writeCiphertextMembers(pk, c));
            }
          }
        });
  }

  static SealKSwitchKeysData readKSwitchKeys(
      SealEncryptionParameters p, byte[] data, String what, long maxBytes) {
    if (p.primeCount() < 2) {
      throw new SealFormatException(what + ": parameters with one prime have no key switching");
    }
    return SealSerialization.load(
        data,
        what,
        maxBytes,
        lc -> {
          SealInput in = lc.in();
          SealParmsId id = SealParmsId.read(in);
          if (!id.equals(p.keyParmsId())) {
            throw new SealFormatException(
                what + ": parms_id is not the key level of the parameters");
          }
          long dim1 = in.u64("key count");
          // Galois element g < 2N gives index (g-1)/2 < N; RelinKeys have a handful of powers.
          if (Long.compareUnsigned(dim1, p.degree()) > 0) {
            throw new SealFormatException(
                what + ": key count " + Long.toUnsignedString(dim1) + " exceeds N=" + p.degree());
          }
          int decomp = p.primeCount() - 1;
          List<List<SealCiphertextData>> keys = new ArrayList<>();
          for (int i = 0; i < dim1; i++) {
            long dim2 = in.u64("key[" + i + "] size");
            if (dim2 != 0 && dim2 != decomp) {
              throw new SealFormatException(
                  what
                      + ": key["
                      + i
                      + "] has "
                      + Long.toUnsignedString(dim2)
                      + " parts; the parameters need "
                      + decomp
                      + " (one per data prime)");
            }
            List<SealCiphertextData> parts = new ArrayList<>((int) dim2);
            for (int j = 0; j < dim2; j++) {
              String part = what + " key[" + i + "][" + j + "]";
              parts.add(
                  in.nested(
                      "key[" + i + "][" + j + "]",
                      h -> checkKeyCiphertext(readCiphertextMembers(in, h, p, part), p, part)));
            }
            keys.add(parts);
          }
          return new SealKSwitchKeysData(id, keys);
        });
  }

  // ---------------------------------------------------------------- helpers

  private static long[][] readLimbs(SealInput in, long[] primes, int n, String what) {
    long[][] limbs = new long[primes.length][n];
    for (int i = 0; i < primes.length; i++) {
      long q = primes[i];
      long[] limb = limbs[i];
      in.longs(limb, 0, n, what + " limb " + i);
      for (int j = 0; j < n; j++) {
        if (Long.compareUnsigned(limb[j], q) >= 0) {
          throw new SealFormatException(
              what
                  + ": coefficient "
                  + j
                  + " of limb "
                  + i
                  + " is "
                  + Long.toUnsignedString(limb[j])
                  + " >= its prime "
                  + q);
        }
      }
    }
    return limbs;
  }

  private static void checkScale(double scale, long[] primes, String what) {
    int bits = 0;
    for (long q : primes) {
      bits += 64 - Long.numberOfLeadingZeros(q);
    }
    // SEAL's is_scale_within_bounds for CKKS: 0 < scale and (int) log2(scale) < total bit count of
    // the level.
    if (!(scale > 0) || Double.isInfinite(scale) || (int) (Math.log(scale) / Math.log(2)) >= bits) {
      throw new SealFormatException(what + ": scale " + scale + " outside (0, 2^" + bits + ")");
    }
  }
}
