package io.blindtuner.model.plan;

import java.util.List;
import java.util.Objects;

/**
 * Checks before training that a parameter set covers the multiplicative depth between refreshes. A training step
 * is a list of segments; each segment starts from freshly refreshed (top-level) ciphertexts and runs its passes
 * back to back, so the sum of their levels must not exceed the parameter set's top level.
 */
public final class DepthPlanner {

  private DepthPlanner() {}

  /**
   * One stage pass and the levels it consumes.
   *
   * @param stage the stage's name
   * @param pass forward, backward, ...
   * @param levels levels consumed
   */
  public record Pass(String stage, String pass, int levels) {
    /** @throws IllegalArgumentException if levels is negative */
    public Pass {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(pass, "pass");
      if (levels < 0) {
        throw new IllegalArgumentException(stage + " " + pass + ": negative level count " + levels);
      }
    }
  }

  /**
   * Passes run between two refreshes.
   *
   * @param passes in order
   */
  public record Segment(List<Pass> passes) {
    public Segment {
      passes = List.copyOf(passes);
    }

    public static Segment of(Pass... passes) {
      return new Segment(List.of(passes));
    }

    public int levels() {
      return passes.stream().mapToInt(Pass::levels).sum();
    }
  }

  /** Thrown when a segment needs more levels than the parameter set has; names the stage that overflows. */
  public static final class DepthException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String stage;

    DepthException(String stage, String message) {
      super(message);
      this.stage = stage;
    }

    /** The stage whose pass runs past level 0. */
    public String stage() {
      return stage;
    }
  }

  /**
   * Checks every segment against {@code maxLevel} (the levels a fresh ciphertext can consume).
   *
   * @return the largest segment depth
   * @throws DepthException naming the first stage whose pass would need a level below 0
   */
  public static int check(int maxLevel, List<Segment> segments) {
    int deepest = 0;
    for (Segment s : segments) {
      int used = 0;
      for (Pass p : s.passes()) {
        used += p.levels();
        if (used > maxLevel) {
          throw new DepthException(p.stage(), "stage '" + p.stage() + "' (" + p.pass() + ", " + p.levels()
              + " levels) overflows: its segment needs " + s.levels() + " levels between refreshes (" + describe(s)
              + ") but the parameter set has " + maxLevel);
        }
      }
      deepest = Math.max(deepest, used);
    }
    return deepest;
  }

  private static String describe(Segment s) {
    StringBuilder b = new StringBuilder();
    for (Pass p : s.passes()) {
      if (b.length() > 0) {
        b.append(" + ");
      }
      b.append(p.stage()).append(' ').append(p.pass()).append(' ').append(p.levels());
    }
    return b.toString();
  }
}
