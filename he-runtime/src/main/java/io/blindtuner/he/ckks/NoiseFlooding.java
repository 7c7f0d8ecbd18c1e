package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.Modulus;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decryption whose result may leave the key holder, safe against IND-CPA-D attacks (Li–Micciancio):
 * a CKKS decryption m + e reveals the noise e, which depends on the secret key, so released
 * decryptions are flooded with Gaussian noise large enough to hide e (OpenFHE's
 * NOISE_FLOODING_DECRYPT does the same; SEAL has no defence).
 *
 * <p>Calibration. The noise of the ciphertext is estimated from the decryption itself: messages are
 * real, so the imaginary parts of the slots are noise alone, and a coefficient noise of deviation s
 * shows as imaginary parts of deviation s·sqrt(N/2)/Δ. The bound B is 6 such deviations, at least
 * the fresh-encryption bound 19. The flooding noise has deviation σ = B·sqrt(Q·N) per coefficient
 * for at most Q releases per key ({@link #maxReleases}). Then the Rényi divergence of order 2
 * between the released values and the same values without e is at most exp(Q·N·B²/σ²) = e, so by
 * probability preservation any attack that recovers the key from the Q releases succeeds with
 * probability at most sqrt(e·p), p being its success without them (below 2^-128 for 128-bit
 * parameters): below 2^-63. More releases than Q are refused.
 *
 * <p>Precision cost: each released value carries extra noise of deviation σ·sqrt(N/2)/Δ, about
 * sqrt(Q·N) times the ciphertext's own noise: log2(sqrt(Q·N)) bits, 10 bits at N = 16384 and Q =
 * 64.
 *
 * <p>The flooding noise comes from a {@link SecureRandom}. Hospital-side; thread-safe.
 */
public final class NoiseFlooding {
  /**
   * Releases per key by default: a training job's key releases its 5 parameters once per model
   * version, so 64 covers 12 versions; more need a new key.
   */
  public static final int DEFAULT_MAX_RELEASES = 64;

  private final CkksParameters params;
  private final Decryptor decryptor;
  private final CkksEncoder encoder;
  private final int maxReleases;
  private final SecureRandom random;
  private final AtomicInteger released = new AtomicInteger();

  /**
   * What a release gives.
   *
   * @param values the flooded slot values (real parts)
   * @param noiseBound the estimated bound of the ciphertext's coefficient noise
   * @param sigma the flooding deviation per coefficient
   * @param valueSigma the flooding deviation each released value carries
   */
  public record Release(double[] values, double noiseBound, double sigma, double valueSigma) {}

  /**
   * @param maxReleases how many decryptions this key may release (Q)
   * @throws IllegalArgumentException if maxReleases &lt; 1
   */
  public NoiseFlooding(
      CkksParameters params,
      Decryptor decryptor,
      CkksEncoder encoder,
      int maxReleases,
      SecureRandom random) {
    if (maxReleases < 1) {
      throw new IllegalArgumentException("max releases must be >= 1, got " + maxReleases);
    }
    this.params = params;
    this.decryptor = decryptor;
    this.encoder = encoder;
    this.maxReleases = maxReleases;
    this.random = random;
  }

  /** Q: the releases this key may make. */
  public int maxReleases() {
    return maxReleases;
  }

  /** Releases made so far. */
  public int released() {
    return released.get();
  }

  /**
   * Decrypts for release: estimates the noise, floods, decodes.
   *
   * @throws HeException if the key has made {@link #maxReleases} releases already
   * @throws ParameterMismatchException if the ciphertext belongs to other parameters
   */
  public Release decrypt(Ciphertext ct) {
    if (released.incrementAndGet() > maxReleases) {
      released.decrementAndGet();
      throw new HeException(
          "this key has released its "
              + maxReleases
              + " flooded decryptions; more would"
              + " weaken the IND-CPA-D bound (use a new key)");
    }
    Plaintext pt = decryptor.decryptNew(ct);
    int n = params.n();
    double[] im = encoder.decodeComplex(pt)[1];
    double sum = 0;
    for (double v : im) {
      sum += v * v;
    }
    double rmsIm = Math.sqrt(sum / im.length);
    double bound = Math.max(19, 6 * rmsIm * pt.scale() * Math.sqrt(2.0 / n));
    double sigma = bound * Math.sqrt((double) maxReleases * n);
    long[] noise = new long[n];
    for (int i = 0; i < n; i += 2) {
      // Box–Muller: two independent standard normals from two uniforms in (0, 1]
      double u1 = 1.0 - random.nextDouble();
      double u2 = random.nextDouble();
      double r = Math.sqrt(-2 * Math.log(u1)) * sigma;
      noise[i] = Math.round(r * Math.cos(2 * Math.PI * u2));
      if (i + 1 < n) {
        noise[i + 1] = Math.round(r * Math.sin(2 * Math.PI * u2));
      }
    }
    long[] limb = new long[n];
    for (int j = 0; j <= pt.level(); j++) {
      Modulus q = params.moduli[j];
      long qv = params.prime(j);
      for (int i = 0; i < n; i++) {
        long r = noise[i] % qv;
        limb[i] = r < 0 ? r + qv : r;
      }
      params.nttTables(j).forward(limb);
      long[] dst = pt.poly().limb(j);
      for (int i = 0; i < n; i++) {
        dst[i] = q.add(dst[i], limb[i]);
      }
    }
    return new Release(encoder.decode(pt), bound, sigma, sigma * Math.sqrt(n / 2.0) / pt.scale());
  }
}
