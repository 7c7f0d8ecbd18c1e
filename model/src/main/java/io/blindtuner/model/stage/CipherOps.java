package io.blindtuner.model.stage;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.Plaintext;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.ScaleLadder;
import io.blindtuner.model.packing.SlotLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The homomorphic primitives the stages are written in, on the cloud side (evaluation keys only): products that
 * relinearize and rescale onto the {@link ScaleLadder}, level matching, masks, and rotate-and-sum. Counts the
 * rotations and multiplications it performs. Not thread-safe (the plaintext cache and counters).
 */
public final class CipherOps {
  private final CkksParameters params;
  private final Evaluator evaluator;
  private final CkksEncoder encoder;
  private final RelinKeys relinKeys;
  private final GaloisKeys galoisKeys;
  private final ScaleLadder ladder;
  private final Map<PlainKey, Plaintext> plainCache = new HashMap<>();
  private long rotations;
  private long multiplications;

  /** Keys are passed explicitly; the cloud never sees a secret key. */
  public CipherOps(CkksParameters params, Evaluator evaluator, CkksEncoder encoder, RelinKeys relinKeys,
      GaloisKeys galoisKeys) {
    this.params = Objects.requireNonNull(params, "params");
    this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.relinKeys = Objects.requireNonNull(relinKeys, "relinKeys");
    this.galoisKeys = Objects.requireNonNull(galoisKeys, "galoisKeys");
    this.ladder = new ScaleLadder(params);
  }

  public CkksParameters parameters() {
    return params;
  }

  public ScaleLadder ladder() {
    return ladder;
  }

  public long rotations() {
    return rotations;
  }

  public long multiplications() {
    return multiplications;
  }

  /**
   * a * b, relinearized and rescaled (one level below the lower operand).
   *
   * @throws io.blindtuner.he.ckks.LevelException if an operand is at level 0
   */
  public Ciphertext mul(Ciphertext a, Ciphertext b) {
    int level = Math.min(a.level(), b.level());
    Ciphertext x = down(a, level);
    Ciphertext y = down(b, level);
    Ciphertext out = x == y ? evaluator.squareNew(x) : evaluator.multiplyNew(x, y);
    evaluator.relinearize(out, relinKeys, out);
    evaluator.rescale(out, out);
    multiplications++;
    return out;
  }

  /** An encoded mask: the mask, its layout, the level and whether it is a multiplier or an addend. */
  private record PlainKey(SlotLayout layout, Mask mask, int level, boolean multiplier) {}

  /**
   * a * mask slot-wise, rescaled: one level. Encoded masks are cached per level.
   *
   * @throws io.blindtuner.he.ckks.LevelException if a is at level 0
   */
  public Ciphertext mulPlain(Ciphertext a, SlotLayout lay, Mask mask) {
    int level = a.level();
    checkLevel(level, "mulPlain " + mask);
    Plaintext p = plainCache.computeIfAbsent(new PlainKey(lay, mask, level, true),
        k -> encoder.encode(mask.values(lay), level, ladder.multiplierScale(level)));
    Ciphertext out = evaluator.multiplyPlainNew(a, p);
    evaluator.rescale(out, out);
    return out;
  }

  /**
   * a * c in every slot, rescaled: one level.
   *
   * @throws io.blindtuner.he.ckks.LevelException if a is at level 0
   */
  public Ciphertext mulScalar(Ciphertext a, double c) {
    checkLevel(a.level(), "mulScalar");
    Ciphertext out = evaluator.multiplyScalarNew(a, c, ladder.multiplierScale(a.level()));
    evaluator.rescale(out, out);
    return out;
  }

  private static void checkLevel(int level, String op) {
    if (level == 0) {
      throw new io.blindtuner.he.ckks.LevelException(op + ": the ciphertext is at level 0; refresh it first");
    }
  }

  /** a + c in every slot (no level used). */
  public Ciphertext addScalar(Ciphertext a, double c) {
    return evaluator.addScalarNew(a, c);
  }

  /** a + mask slot-wise (no level used); cached like {@link #mulPlain}. */
  public Ciphertext addPlain(Ciphertext a, SlotLayout lay, Mask mask) {
    int level = a.level();
    Plaintext p = plainCache.computeIfAbsent(new PlainKey(lay, mask, level, false),
        k -> encoder.encode(mask.values(lay), level, ladder.scale(level)));
    return evaluator.addPlainNew(a, p);
  }

  /** a + b at the lower of their levels. */
  public Ciphertext add(Ciphertext a, Ciphertext b) {
    int level = Math.min(a.level(), b.level());
    return evaluator.addNew(down(a, level), down(b, level));
  }

  /** a - b at the lower of their levels. */
  public Ciphertext sub(Ciphertext a, Ciphertext b) {
    int level = Math.min(a.level(), b.level());
    return evaluator.subNew(down(a, level), down(b, level));
  }

  /**
   * a brought down to {@code level} on the ladder: drop primes to level + 1, then multiply by 1 at a scale that
   * makes the rescale land exactly on scale(level). Returns a itself if it is already there.
   *
   * @throws IllegalArgumentException if level is above a's level
   */
  public Ciphertext down(Ciphertext a, int level) {
    if (level == a.level()) {
      return a;
    }
    if (level > a.level() || level < 0) {
      throw new IllegalArgumentException("cannot bring a level-" + a.level() + " ciphertext to level " + level);
    }
    Ciphertext out = evaluator.modSwitchToNew(a, level + 1);
    double scalarScale = (double) params.prime(level + 1) * ladder.scale(level) / a.scale();
    evaluator.multiplyScalar(out, 1, scalarScale, out);
    evaluator.rescale(out, out);
    return out;
  }

  /** Left rotation by step (negative: right). */
  public Ciphertext rotate(Ciphertext a, int step) {
    rotations++;
    return evaluator.rotateNew(a, step, galoisKeys);
  }

  /**
   * {@code sum_{i < count} rot(a, i * stride)} by doubling (count a power of two): log2(count) rotations. Within a
   * block of count positions the sum is valid at index 0; over the outermost index it is valid everywhere.
   */
  public Ciphertext rotateSum(Ciphertext a, int stride, int count) {
    checkPowerOfTwo(count);
    Ciphertext acc = a;
    for (int k = 1; k < count; k <<= 1) {
      acc = evaluator.addNew(acc, rotate(acc, k * stride));
    }
    return acc;
  }

  /**
   * Copies index 0 of a dimension (all other indices zero) to indices 0 .. count-1:
   * {@code sum_{i < count} rot(a, -i * stride)}; doubling for a power of two, else count - 1 hoisted rotations of
   * a (one key-switch decomposition shared by all of them).
   */
  public Ciphertext replicate(Ciphertext a, int stride, int count) {
    if (Integer.bitCount(count) == 1) {
      return rotateSum(a, -stride, count);
    }
    int[] steps = replicateSteps(stride, count);
    rotations += steps.length;
    Ciphertext acc = a;
    for (Ciphertext r : evaluator.rotateHoisted(a, steps, galoisKeys)) {
      acc = evaluator.addNew(acc, r);
    }
    return acc;
  }

  /** The rotation steps {@link #rotateSum} uses. */
  public static int[] rotateSumSteps(int stride, int count) {
    checkPowerOfTwo(count);
    int[] steps = new int[Integer.numberOfTrailingZeros(count)];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = (1 << i) * stride;
    }
    return steps;
  }

  /** The rotation steps {@link #replicate} uses. */
  public static int[] replicateSteps(int stride, int count) {
    if (Integer.bitCount(count) == 1) {
      return rotateSumSteps(-stride, count);
    }
    int[] steps = new int[count - 1];
    for (int i = 1; i < count; i++) {
      steps[i - 1] = -i * stride;
    }
    return steps;
  }

  /** The smallest power of two at least n. */
  public static int ceilPowerOfTwo(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  private static void checkPowerOfTwo(int count) {
    if (count <= 0 || Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException("rotate-and-sum count must be a power of two, got " + count);
    }
  }

  /** Collects rotation steps. */
  public static final class Steps {
    private final TreeSet<Integer> steps = new TreeSet<>();

    public Steps add(int... s) {
      for (int v : s) {
        steps.add(v);
      }
      return this;
    }

    public int[] toArray() {
      return steps.stream().mapToInt(Integer::intValue).toArray();
    }
  }
}
