package io.blindtuner.model.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Decryptor;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.RefreshRefusedException;
import io.blindtuner.model.cloud.Refresher;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefreshGuardTest {
  static final RefreshFixture F = new RefreshFixture();
  static final Phase P = Phase.ATTENTION_FORWARD;

  static List<Ciphertext> answer(Refresher r, RefreshId id, List<Ciphertext> cts, int[] levels) {
    return r.refresh(id, cts, levels).toCompletableFuture().join();
  }

  @Test
  void answersThePlannedRefreshKeepingTheValuesAndARepeatIdentically() {
    List<String> reasons = new ArrayList<>();
    RefreshAgreement a = new RefreshAgreement(F.plan, 2, 3);
    RefreshGuard g = F.guard(a, reasons);
    List<Ciphertext> in = F.planned(P, 0.75);
    RefreshId id = new RefreshId(1, 1, P);
    List<Ciphertext> out = answer(g, id, in, F.toLevels(P));
    assertThat(out)
        .extracting(Ciphertext::level)
        .containsExactly(Arrays.stream(F.toLevels(P)).boxed().toArray(Integer[]::new));
    for (Ciphertext c : out) {
      assertThat(c.scale()).isEqualTo(F.keys.scale(c.level()));
      assertThat(F.keys.decrypt(c)[3]).isCloseTo(0.75, offset(1e-6));
    }
    List<Ciphertext> again = answer(g, id, in, F.toLevels(P));
    for (int i = 0; i < out.size(); i++) {
      assertThat(again.get(i).poly(0).limb(0)).isEqualTo(out.get(i).poly(0).limb(0));
      assertThat(again.get(i).poly(1).limb(0)).isEqualTo(out.get(i).poly(1).limb(0));
    }
    // another id with the same ciphertexts gets other randomness
    List<Ciphertext> other = answer(g, new RefreshId(1, 0, P), in, F.toLevels(P));
    assertThat(other.get(0).poly(1).limb(0)).isNotEqualTo(out.get(0).poly(1).limb(0));
    assertThat(reasons).isEmpty();
  }

  @Test
  void theWeightsAreRefreshedPartByPartEachAsPlannedAndNoOtherWay() {
    List<String> reasons = new ArrayList<>();
    RefreshGuard g = F.guard(new RefreshAgreement(F.plan, 1, 3), reasons);
    int parts = F.plan.weightRefreshParts();
    assertThat(parts).isGreaterThan(1);
    for (int part = 0; part < parts; part++) {
      RefreshId id = RefreshId.weights(2, part);
      List<Ciphertext> out = answer(g, id, F.planned(id, 0.25), F.toLevels(id));
      assertThat(out)
          .extracting(Ciphertext::level)
          .containsExactly(Arrays.stream(F.toLevels(id)).boxed().toArray(Integer[]::new));
      assertThat(F.keys.decrypt(out.get(0))[5]).isCloseTo(0.25, offset(1e-6));
    }
    assertThat(reasons).isEmpty();
    // part 1's ciphertexts sent as part 0 do not match part 0's plan
    RefreshId first = RefreshId.weights(1, 0);
    assertThatThrownBy(
            () -> answer(g, first, F.planned(RefreshId.weights(1, 1), 0.25), F.toLevels(first)))
        .cause()
        .isInstanceOf(RefreshRefusedException.class);
    assertThat(reasons).singleElement().asString().contains("where the plan has");
  }

  @Test
  void refusesOpaquelyWhatThePlanDoesNotAskAndTellsOnlyTheHospitalWhy() {
    List<String> reasons = new ArrayList<>();
    RefreshGuard g = F.guard(new RefreshAgreement(F.plan, 2, 3), reasons);
    List<Ciphertext> ok = F.planned(P, 0.5);
    int[] levels = F.toLevels(P);
    List<Ciphertext> wrongLevel = new ArrayList<>(ok);
    wrongLevel.set(0, F.keys.encrypt(new double[] {0.5}, ok.get(0).level() + 1));
    List<Ciphertext> wrongScale = new ArrayList<>(ok);
    wrongScale.set(0, ok.get(0).copy());
    wrongScale.get(0).setScale(ok.get(0).scale() * 2);
    List<Ciphertext> tooBig = new ArrayList<>(ok);
    tooBig.set(0, new Ciphertext(RefreshFixture.PARAMS, 3, ok.get(0).level(), ok.get(0).scale()));
    CkksParameters otherParams =
        CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 40, 40, 40, 40, 40, 59).asInsecure());
    List<Ciphertext> foreign = new ArrayList<>(ok);
    foreign.set(0, new Ciphertext(otherParams, 2, ok.get(0).level(), ok.get(0).scale()));
    int[] lower = levels.clone();
    lower[0]--;
    List<CompletionStage<List<Ciphertext>>> refused =
        List.of(
            g.refresh(
                new RefreshId(0, 0, P),
                ok.subList(0, ok.size() - 1),
                Arrays.copyOf(levels, ok.size() - 1)),
            g.refresh(new RefreshId(0, 0, P), wrongLevel, levels),
            g.refresh(new RefreshId(0, 0, P), wrongScale, levels),
            g.refresh(new RefreshId(0, 0, P), tooBig, levels),
            g.refresh(new RefreshId(0, 0, P), foreign, levels),
            g.refresh(new RefreshId(0, 0, P), ok, lower),
            g.refresh(new RefreshId(3, 0, P), ok, levels),
            g.refresh(new RefreshId(0, 2, P), ok, levels),
            g.refresh(new RefreshId(0, 0, Phase.ATTENTION_BACKWARD), ok, levels),
            g.refresh(RefreshId.weights(0, 0), ok, levels),
            g.refresh(RefreshId.weights(1, F.plan.weightRefreshParts()), ok, levels));
    for (CompletionStage<List<Ciphertext>> r : refused) {
      assertThatThrownBy(() -> r.toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(RefreshRefusedException.class)
          .hasMessageStartingWith("the key holder refused the refresh (step ");
    }
    assertThat(reasons).hasSize(refused.size());
    assertThat(reasons.get(1)).contains("level " + (ok.get(0).level() + 1));
    assertThat(reasons.get(6)).contains("beyond the job's 3 steps");
    // nothing refused was recorded: the planned request is still answered
    assertThat(answer(g, new RefreshId(0, 0, P), ok, levels)).hasSize(ok.size());
  }

  @Test
  void anIdAskedAgainWithOtherCiphertextsIsRefusedAndTheBudgetIsTheJobsRoundTrips() {
    List<String> reasons = new ArrayList<>();
    RefreshAgreement a = new RefreshAgreement(F.plan, 1, 2);
    RefreshGuard g = F.guard(a, reasons);
    answer(g, new RefreshId(0, 0, P), F.planned(P, 0.5), F.toLevels(P));
    assertThatThrownBy(() -> answer(g, new RefreshId(0, 0, P), F.planned(P, 0.5), F.toLevels(P)))
        .cause()
        .isInstanceOf(RefreshRefusedException.class);
    assertThat(reasons)
        .singleElement()
        .asString()
        .contains("already answered with other ciphertexts");
    List<RefreshId> all = F.ids(2, 1);
    assertThat((long) all.size()).isEqualTo(a.budget());
    assertThat(a.budget())
        .isEqualTo(2L * F.plan.refreshRoundTripsPerMicroBatch() + F.plan.weightRefreshParts());
  }

  @Test
  void decodedValuesAreClampedToThePlansDomainInsteadOfFailing() {
    RefreshGuard g = F.guard(new RefreshAgreement(F.plan, 1, 1), new ArrayList<>());
    List<Ciphertext> out = answer(g, new RefreshId(0, 0, P), F.planned(P, 1e5), F.toLevels(P));
    assertThat(F.keys.decrypt(out.get(0))[0]).isCloseTo(RefreshGuard.VALUE_BOUND, offset(1e-6));
  }

  @Test
  void theLedgerOnDiskOutlivesTheEdgeAndDropsATornLastEntry(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("job.ledger");
    RefreshAgreement a = new RefreshAgreement(F.plan, 1, 2);
    try (RefreshLedger l = RefreshLedger.open(file, a.budget())) {
      RefreshGuard g = new RefreshGuard(F.keys, a, l, (id, r) -> {});
      answer(g, new RefreshId(0, 0, P), F.planned(P, 0.5), F.toLevels(P));
    }
    Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    List<String> reasons = new ArrayList<>();
    try (RefreshLedger l = RefreshLedger.open(file, a.budget())) {
      assertThat(l.size()).isEqualTo(1);
      RefreshGuard g = new RefreshGuard(F.keys, a, l, (id, r) -> reasons.add(r));
      assertThat(g.refresh(new RefreshId(0, 0, P), F.planned(P, 0.5), F.toLevels(P)))
          .isCompletedExceptionally();
    }
    assertThat(reasons).singleElement().asString().contains("already answered");
    assertThat(Files.size(file)).isEqualTo(48);
    assertThatThrownBy(() -> RefreshLedger.open(file, 0))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("budget is 0");
  }

  /**
   * The attack on an unguarded key holder (decrypt, re-encode, re-encrypt, an error if re-encoding
   * fails): a ciphertext with c1 = ±δ·X^p and c0 = T puts T ± δ·s_k in coefficient 0 of the
   * decryption, T chosen so that re-encoding fails exactly when the key coefficient s_k is +1 (or,
   * with −δ, −1). Two requests per coefficient recover the key; the attacker then decrypts a
   * challenge. Against the guard, the same requests (shaped like the plan's, each under its own id)
   * are all answered alike, so the attacker's key is all zeros and fails, and it is stopped at the
   * job's budget.
   */
  @Test
  void theKeyRecoveryAttackWorksOnANaiveKeyHolderAndLearnsNothingFromTheGuard() {
    Refresher naive =
        (id, cts, levels) -> {
          try {
            List<Ciphertext> out = new ArrayList<>();
            for (int i = 0; i < cts.size(); i++) {
              out.add(F.keys.encryptSeeded(F.keys.decrypt(cts.get(i)), levels[i]).ciphertext());
            }
            return CompletableFuture.completedFuture(out);
          } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
          }
        };
    int n = RefreshFixture.PARAMS.n();
    // the naive holder: any level and target; probe at the top, re-encode at level 0
    int top = RefreshFixture.PARAMS.maxLevel();
    long[] stolen = attack(naive, k -> new RefreshId(k, 0, P), top, F.keys.scale(0), 0, n, 1);
    assertThat(decryptsChallenge(stolen)).isTrue();

    // the guard: each probe in a planned request (planned level and scale, planned targets), under
    // its own id
    int mbs = 2;
    long steps = (2L * n) / (mbs * F.plan.refreshRoundTripsPerMicroBatch()) + 1;
    RefreshAgreement a = new RefreshAgreement(F.plan, mbs, steps);
    List<String> reasons = new ArrayList<>();
    RefreshGuard g = F.guard(a, reasons);
    List<RefreshId> ids =
        F.ids(steps, mbs).stream().filter(id -> id.after() != Phase.OPTIMIZER_UPDATE).toList();
    assertThat(ids.size()).isGreaterThanOrEqualTo(2 * n);
    long[] guessed = attack(g, k -> ids.get(k), -1, 0, -1, n, 0);
    assertThat(guessed).containsOnly(0L);
    assertThat(decryptsChallenge(guessed)).isFalse();
    assertThat(reasons).isEmpty(); // every probe was answered, alike

    // and it is stopped: past the agreed ids and budget, everything is refused
    RefreshGuard small = F.guard(new RefreshAgreement(F.plan, 1, 1), reasons);
    int answered = 0;
    for (int k = 0; k < 50; k++) {
      RefreshId id = new RefreshId(k / 4, 0, Phase.MICRO_BATCH.get(k % 4));
      Phase p = id.after();
      if (small
          .refresh(id, F.planned(p, 0.1), F.toLevels(p))
          .toCompletableFuture()
          .isCompletedExceptionally()) {
        continue;
      }
      answered++;
    }
    assertThat((long) answered).isLessThanOrEqualTo(new RefreshAgreement(F.plan, 1, 1).budget());
  }

  /**
   * Runs the attack's 2N probes; a probe "fires" when the refresh fails.
   *
   * @param level probe level, or -1 for the plan's level of the probed request
   * @param scale probe scale (also the target's, so re-encoding keeps magnitudes), or 0 for the
   *     plan's
   * @param target target level, or -1 for the plan's
   * @param firesAt the guessed coefficient when the first probe fires (the second probe guesses
   *     -firesAt)
   */
  private static long[] attack(
      Refresher r,
      java.util.function.IntFunction<RefreshId> ids,
      int level,
      double scale,
      int target,
      int n,
      int firesAt) {
    long[] guess = new long[n];
    int probe = 0;
    for (int k = 0; k < n; k++) {
      for (int sign : new int[] {1, -1}) {
        RefreshId id = ids.apply(probe++);
        Phase p = id.after();
        List<Ciphertext> cts = level < 0 ? F.planned(p, 0.1) : new ArrayList<>(List.of());
        int[] levels = level < 0 ? F.toLevels(p) : new int[] {target};
        int l = level < 0 ? cts.get(0).level() : level;
        double s = level < 0 ? cts.get(0).scale() : scale;
        int t = levels[0];
        Ciphertext c = probeCiphertext(k, sign, l, s, t);
        if (level < 0) {
          cts.set(0, c);
        } else {
          cts.add(c);
        }
        boolean fired = r.refresh(id, cts, levels).toCompletableFuture().isCompletedExceptionally();
        if (fired && guess[k] == 0) {
          guess[k] = sign * firesAt;
        }
      }
    }
    return guess;
  }

  /**
   * c0 = T, c1 = sign·σ·δ·X^p with p = -k mod N, so that decryption has T + sign·δ·s_k in
   * coefficient 0.
   */
  private static Ciphertext probeCiphertext(int k, int sign, int level, double scale, int target) {
    CkksParameters params = RefreshFixture.PARAMS;
    int n = params.n();
    // re-encoding at `target` with the target's canonical scale fails when |coefficient| >= 2^(bits
    // - 1)
    double ratio = F.keys.scale(target) / scale;
    BigInteger threshold = BigInteger.ONE.shiftLeft(params.levelBits(target) - 1);
    BigInteger delta = BigInteger.ONE.shiftLeft(params.levelBits(target) - 20);
    BigInteger t =
        new java.math.BigDecimal(threshold)
            .divide(java.math.BigDecimal.valueOf(ratio), java.math.MathContext.DECIMAL128)
            .toBigInteger()
            .subtract(delta.shiftRight(1));
    int p = (n - k) % n;
    BigInteger c1 = delta.multiply(BigInteger.valueOf(k == 0 ? sign : -sign));
    Ciphertext c = new Ciphertext(params, 2, level, scale);
    for (int j = 0; j <= level; j++) {
      BigInteger q = BigInteger.valueOf(params.prime(j));
      long[] a0 = new long[n];
      long[] a1 = new long[n];
      a0[0] = t.mod(q).longValueExact();
      a1[p] = c1.mod(q).longValueExact();
      params.nttTables(j).forward(a0);
      params.nttTables(j).forward(a1);
      System.arraycopy(a0, 0, c.poly(0).limb(j), 0, n);
      System.arraycopy(a1, 0, c.poly(1).limb(j), 0, n);
    }
    return c;
  }

  /** Whether a guessed ternary key decrypts a fresh encryption of known values. */
  private static boolean decryptsChallenge(long[] s) {
    CkksParameters params = RefreshFixture.PARAMS;
    int limbs = params.maxLevel() + 2;
    RnsPoly poly = new RnsPoly(params.n(), limbs, true);
    for (int j = 0; j < limbs; j++) {
      long q = params.prime(j);
      long[] a = poly.limb(j);
      for (int i = 0; i < a.length; i++) {
        a[i] = s[i] < 0 ? q + s[i] : s[i];
      }
      params.nttTables(j).forward(a);
    }
    double[] values = new double[params.slots()];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.sin(i);
    }
    double[] got =
        new CkksEncoder(params)
            .decode(
                new Decryptor(params, new SecretKey(params, poly))
                    .decryptNew(F.keys.encrypt(values)));
    for (int i = 0; i < values.length; i++) {
      if (Math.abs(got[i] - values[i]) > 1e-3) {
        return false;
      }
    }
    return true;
  }
}
