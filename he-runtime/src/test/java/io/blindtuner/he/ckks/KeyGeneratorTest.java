package io.blindtuner.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ring.Csprng;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.ring.Prng;
import io.blindtuner.he.ring.PrngFactory;
import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.he.ring.Samplers;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyGeneratorTest {
  private static final CkksParameters PARAMS =
      CkksParameters.create(CkksSpec.of(64, 40, 30, 40).asInsecure());

  /** AES-CTR under another seed length, so a test can tell which factory expanded a seed. */
  private static final PrngFactory OTHER =
      new PrngFactory() {
        @Override
        public int seedBytes() {
          return 48;
        }

        @Override
        public Prng create(byte[] seed) {
          return Csprng.AES_CTR.create(Arrays.copyOf(seed, Csprng.SEED_BYTES));
        }
      };

  @Test
  void everyKeyCiphertextRecordsTheSeedItsUniformPartWasExpandedFrom() {
    for (PrngFactory factory : new PrngFactory[] {Csprng.AES_CTR, OTHER}) {
      KeyGenerator keygen = new KeyGenerator(PARAMS, null, factory, Parallelism.SERIAL);
      Set<String> seeds = new HashSet<>();
      PublicKey pk = keygen.createPublicKey();
      assertExpandsTo(pk.seed(), factory, pk.p1(), seeds);
      KeySwitchKey rk = keygen.createRelinKeys().key();
      GaloisKeys gk = keygen.createGaloisKeys(new int[] {1}, true);
      assertThat(gk.elements()).hasSize(2);
      for (KeySwitchKey k :
          new KeySwitchKey[] {
            rk, gk.get(PARAMS.galoisElement(1)), gk.get(PARAMS.conjugationElement())
          }) {
        for (int i = 0; i < k.digitCount(); i++) {
          assertExpandsTo(k.seed(i), factory, k.digit(i, 1), seeds);
        }
      }
      // 1 public key + 3 key-switching keys of L+1 = 2 digits: all seeds fresh.
      assertThat(seeds).hasSize(1 + 3 * 2);
    }
  }

  private static void assertExpandsTo(
      KeySeed seed, PrngFactory factory, RnsPoly a, Set<String> seen) {
    assertThat(seed).isNotNull();
    assertThat(seed.prng()).isSameAs(factory);
    assertThat(seed.seed()).hasSize(factory.seedBytes());
    long[][] expanded = new long[PARAMS.keyLimbCount()][PARAMS.n()];
    Samplers.uniform(factory.create(seed.seed()), PARAMS.moduli, expanded, expanded.length);
    for (int j = 0; j < expanded.length; j++) {
      assertThat(a.limb(j)).as("limb " + j).isEqualTo(expanded[j]);
    }
    assertThat(seen.add(Arrays.toString(seed.seed()))).as("seed reused").isTrue();
  }

  @Test
  void keysFromAnotherSeedGeneratorWork() {
    // Only where a comes from changes: with the same secret key the public key must decrypt and the
    // relin key
    // relinearize within the noise model's bounds (as in EvaluatorTest); a wrong a gives errors of
    // order 1.
    CkksTestContext c = new CkksTestContext(CkksSpec.of(1024, 60, 40, 60).asInsecure(), 5);
    KeyGenerator other =
        new KeyGenerator(c.params, c.keygen.secretKey(), OTHER, Parallelism.SERIAL);
    double scale = Math.pow(2, 40);
    double[] v = c.randomValues(1);
    double[] sq = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      sq[i] = v[i] * v[i];
    }
    Ciphertext ct =
        new Encryptor(c.params, other.createPublicKey()).encryptNew(c.encoder.encode(v, 1, scale));
    double e = c.freshPk(scale);
    CkksTestContext.assertPrecision(c.decrypt(ct), v, e, "public key from another seed generator");
    Evaluator ev = new Evaluator(c.params, Parallelism.SERIAL);
    Ciphertext s = ev.rescaleNew(ev.relinearizeNew(ev.squareNew(ct), other.createRelinKeys()));
    // |x|E + |x|E + E^2 for the square, one key switch at scale^2, one rescale.
    double bound = 2 * e + e * e + c.keySwitch(1, scale * scale) + c.rescale(s.scale());
    CkksTestContext.assertPrecision(
        c.decrypt(s), sq, bound, "square relinearized with another seed generator's key");
  }

  @Test
  void rejectsMissingOrMalformedSeeds() {
    assertThatThrownBy(() -> new KeyGenerator(PARAMS, null, null, Parallelism.SERIAL))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("seed PRNG");
    assertThatThrownBy(() -> new KeySeed(Csprng.AES_CTR, new byte[31]))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("32 bytes, got 31");
    KeySwitchKey rk = new KeyGenerator(PARAMS).createRelinKeys().key();
    RnsPoly[][] digits = {{rk.digit(0, 0), rk.digit(0, 1)}, {rk.digit(1, 0), rk.digit(1, 1)}};
    assertThatThrownBy(() -> new KeySwitchKey(PARAMS, digits, new KeySeed[] {rk.seed(0)}))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("one seed per digit (2), got 1");
    assertThatThrownBy(() -> new KeySwitchKey(PARAMS, digits, new KeySeed[] {rk.seed(0), null}))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("digit 1 has no seed");
    assertThat(new KeySwitchKey(PARAMS, digits).seed(0)).isNull();
    // The record keeps its own copy: changing the caller's array does not change the seed.
    byte[] raw = new byte[32];
    KeySeed seed = new KeySeed(Csprng.AES_CTR, raw);
    raw[0] = 1;
    assertThat(seed.seed()[0]).isZero();
  }
}
