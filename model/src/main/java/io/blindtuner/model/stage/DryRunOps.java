package io.blindtuner.model.stage;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.LevelException;
import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.ScaleLadder;
import io.blindtuner.model.packing.SlotLayout;

/**
 * {@link CipherOps} on {@link SymbolicCiphertext}s: runs stage code without data, following exactly
 * the level, scale and size arithmetic of {@link HeOps} and recording the rotation steps and
 * products it needs. Microseconds per step, so the plan can search over levels. Level exhaustion
 * raises the same {@link LevelException} a real run would.
 */
public final class DryRunOps implements CipherOps<SymbolicCiphertext> {
  private final CkksParameters params;
  private final ScaleLadder ladder;
  private final int slots;
  private final int maxLevel;
  private final OpCounter counter = new OpCounter();

  /** A dry run on the levels and scales of {@code params}. */
  public DryRunOps(CkksParameters params) {
    this.params = params;
    this.ladder = new ScaleLadder(params);
    this.slots = params.slots();
    this.maxLevel = params.maxLevel();
  }

  private DryRunOps(int slots, int maxLevel) {
    this.params = null;
    this.ladder = null;
    this.slots = slots;
    this.maxLevel = maxLevel;
  }

  /**
   * A dry run that tracks levels only (every scale 1), on a hypothetical chain of {@code maxLevel}
   * levels: how deep a computation is, when the real parameter set is too shallow to run it.
   */
  public static DryRunOps levelsOnly(int slots, int maxLevel) {
    return new DryRunOps(slots, maxLevel);
  }

  /** What this dry run performed so far. */
  public OpCounter counter() {
    return counter;
  }

  /**
   * A fresh ciphertext at {@code level}, on the ladder, as the key holder encrypts or refreshes it.
   */
  public SymbolicCiphertext fresh(int level) {
    if (level < 0 || level > maxLevel) {
      throw new LevelException(
          "cannot encrypt at level " + level + "; the parameter set's levels are 0.." + maxLevel);
    }
    return new SymbolicCiphertext(level, ladder == null ? 1 : ladder.scale(level), 2);
  }

  @Override
  public int level(SymbolicCiphertext a) {
    return a.level();
  }

  @Override
  public SymbolicCiphertext mul(SymbolicCiphertext a, SymbolicCiphertext b) {
    int level = Math.min(a.level(), b.level());
    SymbolicCiphertext x = down(a, level);
    SymbolicCiphertext y = down(b, level);
    counter.product();
    return rescaled(x.scale() * y.scale(), level, "mul");
  }

  @Override
  public SymbolicCiphertext mulPlain(SymbolicCiphertext a, SlotLayout lay, Mask mask) {
    check(a.level(), "mulPlain " + mask);
    counter.plainProduct();
    return rescaled(a.scale() * multiplierScale(a.level()), a.level(), "mulPlain");
  }

  @Override
  public SymbolicCiphertext mulScalar(SymbolicCiphertext a, double c) {
    check(a.level(), "mulScalar");
    counter.plainProduct();
    return rescaled(a.scale() * multiplierScale(a.level()), a.level(), "mulScalar");
  }

  private static void check(int level, String op) {
    if (level == 0) {
      throw new LevelException(op + ": the ciphertext is at level 0; refresh it first");
    }
  }

  private SymbolicCiphertext rescaled(double scale, int level, String op) {
    if (level == 0) {
      throw new LevelException(op + ": rescale at level 0; no prime left to divide by");
    }
    return new SymbolicCiphertext(level - 1, ladder == null ? 1 : scale / params.prime(level), 2);
  }

  private double multiplierScale(int level) {
    return ladder == null ? 1 : ladder.multiplierScale(level);
  }

  @Override
  public SymbolicCiphertext addScalar(SymbolicCiphertext a, double c) {
    return a;
  }

  @Override
  public SymbolicCiphertext addPlain(SymbolicCiphertext a, SlotLayout lay, Mask mask) {
    return a;
  }

  @Override
  public SymbolicCiphertext add(SymbolicCiphertext a, SymbolicCiphertext b) {
    int level = Math.min(a.level(), b.level());
    return down(a, level);
  }

  @Override
  public SymbolicCiphertext sub(SymbolicCiphertext a, SymbolicCiphertext b) {
    return add(a, b);
  }

  @Override
  public SymbolicCiphertext down(SymbolicCiphertext a, int level) {
    if (level == a.level()) {
      return a;
    }
    if (level > a.level() || level < 0) {
      throw new IllegalArgumentException(
          "cannot bring a level-" + a.level() + " ciphertext to level " + level);
    }
    if (ladder == null) {
      return new SymbolicCiphertext(level, 1, a.size());
    }
    // The same double arithmetic as HeOps.down: times prime(level + 1) * scale(level) / a.scale,
    // then rescaled.
    double scalarScale = (double) params.prime(level + 1) * ladder.scale(level) / a.scale();
    return new SymbolicCiphertext(
        level, a.scale() * scalarScale / params.prime(level + 1), a.size());
  }

  @Override
  public SymbolicCiphertext rotate(SymbolicCiphertext a, int step) {
    if (Math.floorMod(step, slots) != 0) {
      counter.rotation(step);
    }
    return a;
  }

  @Override
  public SymbolicCiphertext[] rotateHoisted(SymbolicCiphertext a, int[] steps) {
    SymbolicCiphertext[] out = new SymbolicCiphertext[steps.length];
    for (int i = 0; i < steps.length; i++) {
      out[i] = rotate(a, steps[i]);
    }
    return out;
  }
}
