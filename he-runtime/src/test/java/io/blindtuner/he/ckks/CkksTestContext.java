package io.blindtuner.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.he.ring.Samplers;
import java.util.SplittableRandom;

/**
 * Keys and tools for one parameter set, plus the noise model the precision tests assert against.
 *
 * <p>Noise model, in integer units of the plaintext polynomial (divide by the scale for slot
 * units). A slot is the evaluation a(zeta) = sum_j a_j zeta^(j*e) with |zeta| = 1. For iid centered
 * coefficients of variance v, a(zeta) is close to a complex Gaussian with E|a(zeta)|^2 = N*v, and
 * P(|a(zeta)| &gt; t*sqrt(N*v)) = exp(-t^2): with t = TAIL = 5 that is 1.4e-11 per slot, negligible
 * over all slots. A product of two independent noises (r*s, d*e) is a product of slot values:
 * bounded by the product of the two bounds (canonical-embedding heuristic), since a product of
 * Gaussians has a heavier tail than a Gaussian. With a ternary secret (coefficient variance 2/3)
 * and errors of sigma = 3.2:
 *
 * <ul>
 *   <li>encoding rounding: coefficients uniform in [-1/2, 1/2], v = 1/12;
 *   <li>rounding division by a prime (public-key encryption divides by the prime above the level,
 *       rescale, key-switch mod-down): r0 + r1*s, r uniform in [-1/2, 1/2];
 *   <li>symmetric encryption: a fresh error e, v = sigma^2;
 *   <li>key switching: sum_i d_i*e_i / P with centered digits uniform in [-q_i/2, q_i/2] (v =
 *       q_i^2/12), plus the mod-down rounding.
 * </ul>
 *
 * Products of messages: (m1 + e1)(m2 + e2) - m1*m2 is bounded by |m1|*|e2| + |m2|*|e1| + |e1*e2|
 * slot-wise.
 */
final class CkksTestContext {
  static final double SIGMA = Samplers.SIGMA;

  /** Tail factor on complex slot magnitudes: P(|X| &gt; 5 sd) = e^-25 for a complex Gaussian. */
  static final double TAIL = 5;

  final CkksParameters params;
  final KeyGenerator keygen;
  final CkksEncoder encoder;
  final Encryptor encryptor;
  final Encryptor symmetric;
  final Decryptor decryptor;
  final Evaluator evaluator;
  final SplittableRandom random;
  final int n;

  CkksTestContext(CkksSpec spec, long seed) {
    params = CkksParameters.create(spec);
    keygen = new KeyGenerator(params);
    encoder = new CkksEncoder(params);
    encryptor = new Encryptor(params, keygen.createPublicKey());
    symmetric = new Encryptor(params, keygen.secretKey());
    decryptor = new Decryptor(params, keygen.secretKey());
    evaluator = new Evaluator(params);
    random = new SplittableRandom(seed);
    n = params.n();
  }

  /** Uniform values in [-bound, bound], one per slot. */
  double[] randomValues(double bound) {
    double[] v = new double[params.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (2 * random.nextDouble() - 1) * bound;
    }
    return v;
  }

  Ciphertext encrypt(double[] v, int level, double scale) {
    return encryptor.encryptNew(encoder.encode(v, level, scale));
  }

  double[] decrypt(Ciphertext ct) {
    return encoder.decode(decryptor.decryptNew(ct));
  }

  static double maxError(double[] actual, double[] expected) {
    double m = 0;
    for (int i = 0; i < expected.length; i++) {
      m = Math.max(m, Math.abs(actual[i] - expected[i]));
    }
    return m;
  }

  /** Asserts max |actual - expected| &le; bound, reporting both in bits. */
  static void assertPrecision(double[] actual, double[] expected, double bound, String what) {
    double err = maxError(actual, expected);
    assertThat(err)
        .as("%s: error 2^%.2f exceeds derived bound 2^%.2f", what, log2(err), log2(bound))
        .isLessThanOrEqualTo(bound);
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** Slot bound (integer units) of a polynomial with iid coefficients of variance v. */
  double slotBound(double v) {
    return TAIL * Math.sqrt(n * v);
  }

  /** Slot bound of a product of two independent such polynomials. */
  double productBound(double v1, double v2) {
    return slotBound(v1) * slotBound(v2);
  }

  double encodingVar() {
    return 1.0 / 12;
  }

  /** Rounding division by a prime: r0 + r1*s. */
  double rounding() {
    return slotBound(1.0 / 12) + productBound(1.0 / 12, 2.0 / 3);
  }

  /** Fresh public-key encryption, in slot units at the given scale. */
  double freshPk(double scale) {
    return (slotBound(encodingVar()) + rounding()) / scale;
  }

  double freshSk(double scale) {
    return (slotBound(encodingVar()) + slotBound(SIGMA * SIGMA)) / scale;
  }

  /**
   * Noise added by one key switch at a level, in slot units at the given scale, in the parameters'
   * layout: each digit j (alpha_j primes, product Q_j, cut at the level) is extended by a basis
   * conversion whose centered terms give it variance alpha_j * Q_j^2 / 12, weighing an error e_j of
   * the key, all over P; the mod-down's conversion from the k special primes rounds with variance
   * k/12 on c0 and on c1 (times s). SEAL's layout is alpha_j = k = 1.
   */
  double keySwitch(int level, double scale) {
    KeySwitchLayout layout = params.keySwitchLayout();
    int k = layout.specialPrimeCount();
    double logP = 0;
    for (int i = params.specialIndex(); i < params.keyLimbCount(); i++) {
      logP += log2(params.prime(i));
    }
    double b = slotBound(k / 12.0) + productBound(k / 12.0, 2.0 / 3);
    for (int j = 0; j < layout.digitsAt(level); j++) {
      int end = Math.min(layout.digitEnd(j), level + 1);
      double logQj = 0;
      for (int i = layout.digitStart(j); i < end; i++) {
        logQj += log2(params.prime(i));
      }
      double r = Math.pow(2, logQj - logP);
      b += productBound((end - layout.digitStart(j)) * r * r / 12, SIGMA * SIGMA);
    }
    return b / scale;
  }

  /** Noise added by a rescale, in slot units at the new scale. */
  double rescale(double newScale) {
    return rounding() / newScale;
  }
}
