package io.blindtuner.model.stage;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.LevelException;
import io.blindtuner.he.ckks.MissingGaloisKeyException;
import io.blindtuner.he.ckks.Plaintext;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.ScaleLadder;
import io.blindtuner.model.packing.SlotLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link CipherOps} on real ciphertexts for one stage, holding only that stage's evaluation keys:
 * the Galois keys of exactly the steps its plan derived, and relinearization keys only if it
 * multiplies ciphertexts. Its evaluator must be {@link Evaluator#strict strict}, so a rotation
 * without its own key fails (naming the stage and the step) instead of being composed from other
 * keys. Not thread-safe (the mask cache and the counter): one per stage actor.
 */
public final class HeOps implements CipherOps<Ciphertext> {
  private final String stage;
  private final CkksParameters params;
  private final Evaluator evaluator;
  private final CkksEncoder encoder;
  private final RelinKeys relinKeys;
  private final GaloisKeys galoisKeys;
  private final ScaleLadder ladder;
  private final Map<PlainKey, Plaintext> plainCache = new HashMap<>();
  private final OpCounter counter = new OpCounter();

  /**
   * @param stage the stage's name, for errors
   * @param evaluator a strict evaluator
   * @param relinKeys empty for a stage that never multiplies two ciphertexts
   * @param galoisKeys the keys of exactly the stage's rotation steps
   * @throws IllegalArgumentException if the evaluator composes rotations
   */
  public HeOps(
      String stage,
      CkksParameters params,
      Evaluator evaluator,
      CkksEncoder encoder,
      Optional<RelinKeys> relinKeys,
      GaloisKeys galoisKeys) {
    this.stage = Objects.requireNonNull(stage, "stage");
    this.params = Objects.requireNonNull(params, "params");
    this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    if (evaluator.composesRotations()) {
      throw new IllegalArgumentException(
          "stage '" + stage + "' needs a strict evaluator (Evaluator.strict)");
    }
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.relinKeys = relinKeys.orElse(null);
    this.galoisKeys = Objects.requireNonNull(galoisKeys, "galoisKeys");
    this.ladder = new ScaleLadder(params);
  }

  /** The stage these keys belong to. */
  public String stage() {
    return stage;
  }

  /** What this ops performed so far. */
  public OpCounter counter() {
    return counter;
  }

  @Override
  public int level(Ciphertext a) {
    return a.level();
  }

  @Override
  public Ciphertext mul(Ciphertext a, Ciphertext b) {
    if (relinKeys == null) {
      throw new IllegalStateException(
          "stage '"
              + stage
              + "' holds no relinearization keys: its plan has no"
              + " ciphertext products");
    }
    int level = Math.min(a.level(), b.level());
    Ciphertext x = down(a, level);
    Ciphertext y = down(b, level);
    Ciphertext out = x == y ? evaluator.squareNew(x) : evaluator.multiplyNew(x, y);
    evaluator.relinearize(out, relinKeys, out);
    evaluator.rescale(out, out);
    counter.product();
    return out;
  }

  /**
   * An encoded mask: the mask, its layout, the level and whether it is a multiplier or an addend.
   */
  private record PlainKey(SlotLayout layout, Mask mask, int level, boolean multiplier) {}

  @Override
  public Ciphertext mulPlain(Ciphertext a, SlotLayout lay, Mask mask) {
    int level = a.level();
    checkLevel(level, "mulPlain " + mask);
    Plaintext p =
        plainCache.computeIfAbsent(
            new PlainKey(lay, mask, level, true),
            k -> encoder.encode(mask.values(lay), level, ladder.multiplierScale(level)));
    Ciphertext out = evaluator.multiplyPlainNew(a, p);
    evaluator.rescale(out, out);
    counter.plainProduct();
    return out;
  }

  @Override
  public Ciphertext mulScalar(Ciphertext a, double c) {
    checkLevel(a.level(), "mulScalar");
    Ciphertext out = evaluator.multiplyScalarNew(a, c, ladder.multiplierScale(a.level()));
    evaluator.rescale(out, out);
    counter.plainProduct();
    return out;
  }

  private void checkLevel(int level, String op) {
    if (level == 0) {
      throw new LevelException(
          "stage '" + stage + "', " + op + ": the ciphertext is at level 0; refresh it first");
    }
  }

  @Override
  public Ciphertext addScalar(Ciphertext a, double c) {
    return evaluator.addScalarNew(a, c);
  }

  @Override
  public Ciphertext addPlain(Ciphertext a, SlotLayout lay, Mask mask) {
    int level = a.level();
    Plaintext p =
        plainCache.computeIfAbsent(
            new PlainKey(lay, mask, level, false),
            k -> encoder.encode(mask.values(lay), level, ladder.scale(level)));
    return evaluator.addPlainNew(a, p);
  }

  @Override
  public Ciphertext add(Ciphertext a, Ciphertext b) {
    int level = Math.min(a.level(), b.level());
    return evaluator.addNew(down(a, level), down(b, level));
  }

  @Override
  public Ciphertext sub(Ciphertext a, Ciphertext b) {
    int level = Math.min(a.level(), b.level());
    return evaluator.subNew(down(a, level), down(b, level));
  }

  /**
   * Drops primes to level + 1, then multiplies by 1 at a scale that makes the rescale land on
   * scale(level).
   */
  @Override
  public Ciphertext down(Ciphertext a, int level) {
    if (level == a.level()) {
      return a;
    }
    if (level > a.level() || level < 0) {
      throw new IllegalArgumentException(
          "cannot bring a level-" + a.level() + " ciphertext to level " + level);
    }
    Ciphertext out = evaluator.modSwitchToNew(a, level + 1);
    double scalarScale = (double) params.prime(level + 1) * ladder.scale(level) / a.scale();
    evaluator.multiplyScalar(out, 1, scalarScale, out);
    evaluator.rescale(out, out);
    return out;
  }

  @Override
  public Ciphertext rotate(Ciphertext a, int step) {
    checkKey(step);
    if (Math.floorMod(step, params.slots()) != 0) {
      counter.rotation(step);
    }
    return evaluator.rotateNew(a, step, galoisKeys);
  }

  @Override
  public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
    for (int s : steps) {
      checkKey(s);
    }
    for (int s : steps) {
      if (Math.floorMod(s, params.slots()) != 0) {
        counter.rotation(s);
      }
    }
    return evaluator.rotateHoisted(a, steps, galoisKeys);
  }

  private void checkKey(int step) {
    if (Math.floorMod(step, params.slots()) != 0 && !galoisKeys.has(params.galoisElement(step))) {
      throw new MissingGaloisKeyException(
          "stage '"
              + stage
              + "' has no Galois key for step "
              + step
              + " (it holds only the steps its plan derived)");
    }
  }
}
