package io.blindtuner.model.plan;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.LevelException;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.HeadSpec;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.Stages;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.stage.DryRunOps;
import io.blindtuner.model.stage.OpCounter;
import io.blindtuner.model.stage.SymbolicCiphertext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The training plan, derived from the stages by dry runs ({@link DryRunOps}) and never kept by
 * hand: the level the hospital encrypts each input at, the level each refreshed ciphertext is asked
 * for, the level each phase brings its inputs down to before computing, the rotation steps and key
 * kinds each stage needs, and the counts per step.
 *
 * <p>Derivation: every level starts at the top and the whole step (one micro-batch and the update)
 * must run; then each level in turn is lowered as far as the step still runs. A level only lowers
 * the levels computed from it (min-plus arithmetic), so each one's feasible values form an interval
 * of its own and the result is the cheapest plan: operations at level l cost roughly (l + 1)^2.
 * Immutable.
 */
public final class TrainingPlan {
  /**
   * Depth of the hypothetical chain used to measure how many levels a pass needs when the real one
   * is short.
   */
  private static final int PROBE_LEVELS = 64;

  private final HeadSpec spec;
  private final int maxLevel;
  private final Assignment levels;
  private final EnumMap<StageKind, StagePlan> stages;
  private final EnumMap<Phase, PhaseFacts> phases;
  private final int peakCiphertexts;
  private final EnumMap<Phase, List<RefreshInput>> refreshInputs;
  private final List<List<RefreshInput>> weightParts;

  /**
   * What one stage needs.
   *
   * @param stage the stage
   * @param rotationSteps the Galois steps it rotates by, ascending: exactly the keys its actor gets
   * @param relinearization whether it multiplies ciphertexts (needs relinearization keys)
   */
  public record StagePlan(StageKind stage, int[] rotationSteps, boolean relinearization) {
    public StagePlan {
      rotationSteps = rotationSteps.clone();
    }

    @Override
    public int[] rotationSteps() {
      return rotationSteps.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StagePlan p
          && p.stage == stage
          && Arrays.equals(p.rotationSteps, rotationSteps)
          && p.relinearization == relinearization;
    }

    @Override
    public int hashCode() {
      return stage.hashCode() * 31 + Arrays.hashCode(rotationSteps);
    }

    @Override
    public String toString() {
      return stage.label()
          + ": steps "
          + Arrays.toString(rotationSteps)
          + (relinearization ? ", relin" : "");
    }
  }

  /**
   * What one phase does at the planned levels.
   *
   * @param levels its depth: how many levels its deepest output lies below its inputs when they all
   *     arrive fresh
   * @param rotations rotations (one key switch each)
   * @param products ciphertext products (one relinearization each)
   */
  public record PhaseFacts(int levels, long rotations, long products) {}

  /**
   * The level a refresh request carries every ciphertext at: the cloud drops the primes above the
   * first ({@link io.blindtuner.model.cloud.Refresher#request}). Decrypting needs only a prime that
   * holds the value (a refreshed value times its scale is far below q0 / 2, as the inputs that
   * arrive at level 0 already require), so the key holder decrypts the same values and the other
   * primes would only be bytes on the wire: about half of what the cloud sends.
   */
  public static final int REQUEST_LEVEL = 0;

  /**
   * One ciphertext a refresh receives, as the plan computes it: what the key holder checks a
   * request against (sent at {@link #REQUEST_LEVEL}, whatever level it reached).
   *
   * @param operand what it is
   * @param scale the scale it arrives with (dropping primes keeps it)
   * @param toLevel the level it is refreshed to
   */
  public record RefreshInput(Operand operand, double scale, int toLevel) {}

  private TrainingPlan(HeadSpec spec, int maxLevel, Assignment levels, Trial finalRun) {
    this.spec = spec;
    this.maxLevel = maxLevel;
    this.levels = levels;
    this.stages = new EnumMap<>(StageKind.class);
    for (StageKind k : StageKind.values()) {
      OpCounter c = finalRun.counters.get(k);
      stages.put(k, new StagePlan(k, c.stepArray(), c.products() > 0));
    }
    this.phases = new EnumMap<>(Phase.class);
    for (Phase p : Phase.values()) {
      PhaseFacts f = finalRun.facts.get(p);
      phases.put(p, new PhaseFacts(depth(spec, p), f.rotations(), f.products()));
    }
    this.peakCiphertexts = finalRun.peak;
    this.refreshInputs = new EnumMap<>(Phase.class);
    for (Phase p : Phase.values()) {
      List<RefreshInput> in = new ArrayList<>();
      Map<Operand, SymbolicCiphertext> arrived = finalRun.arrivals.get(p);
      // request order: Phase.refreshed() after a micro-batch phase; Operand order (belowPlan's)
      // after the update
      for (Operand op : p == Phase.OPTIMIZER_UPDATE ? arrived.keySet() : p.refreshed()) {
        SymbolicCiphertext c = arrived.get(op);
        in.add(
            new RefreshInput(
                op,
                c.scale(),
                p == Phase.OPTIMIZER_UPDATE
                    ? levels.inputs.get(op)
                    : levels.refreshes.get(p).get(op)));
      }
      refreshInputs.put(p, List.copyOf(in));
    }
    this.weightParts = weightParts(refreshInputs.get(Phase.OPTIMIZER_UPDATE));
  }

  /**
   * The weights' refresh split by first reader: one part per micro-batch phase that first reads
   * some of them (in phase order), then one for those only the update reads (the velocities). A
   * phase then waits only for its own part's round trip, not the whole refresh.
   */
  private static List<List<RefreshInput>> weightParts(List<RefreshInput> all) {
    Map<Integer, List<RefreshInput>> byReader = new TreeMap<>();
    for (RefreshInput in : all) {
      byReader.computeIfAbsent(firstReader(in.operand()), k -> new ArrayList<>()).add(in);
    }
    return byReader.values().stream().map(List::copyOf).toList();
  }

  /** The index in {@link Phase#MICRO_BATCH} of the first phase reading op; its size if none. */
  private static int firstReader(Operand op) {
    for (int i = 0; i < Phase.MICRO_BATCH.size(); i++) {
      if (Phase.MICRO_BATCH.get(i).inputs().contains(op)) {
        return i;
      }
    }
    return Phase.MICRO_BATCH.size();
  }

  /**
   * Derives the plan for a head on a parameter set, before any key exists.
   *
   * @throws DepthException naming the stage and pass that run out of levels, and how many they
   *     need, if the parameter set is too shallow
   */
  public static TrainingPlan derive(CkksParameters params, HeadSpec spec) {
    int top = params.maxLevel();
    Assignment a = Assignment.top(top);
    Trial t = Trial.run(spec, a, () -> new DryRunOps(params));
    if (t.failed != null) {
      Trial probe =
          Trial.run(
              spec,
              Assignment.top(PROBE_LEVELS),
              () -> DryRunOps.levelsOnly(params.slots(), PROBE_LEVELS));
      if (probe.failed != null) {
        throw new IllegalStateException(
            "the step needs more than " + PROBE_LEVELS + " levels", probe.error);
      }
      int needed = PROBE_LEVELS - probe.lowest.get(t.failed);
      throw new DepthException(
          t.failed.stage().label(),
          needed,
          "stage '"
              + t.failed.stage().label()
              + "' ("
              + t.failed.pass()
              + ") runs out of levels: from its last refresh it needs "
              + needed
              + " levels but the parameter set has "
              + top
              + " ("
              + (top + 2)
              + " primes: a special prime, "
              + top
              + " rescaling primes and the base); use a longer coefficient-modulus chain");
    }
    for (Assignment.Var v : a.vars()) {
      int lo = 0;
      int hi = a.get(v);
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        a.set(v, mid);
        if (Trial.run(spec, a, () -> new DryRunOps(params)).failed == null) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      a.set(v, hi);
    }
    Trial last = Trial.run(spec, a, () -> new DryRunOps(params));
    if (last.failed != null) {
      throw new IllegalStateException(
          "derived plan does not run (" + last.failed.label() + ")", last.error);
    }
    return new TrainingPlan(spec, top, a, last);
  }

  /**
   * The plan of the polynomial head of {@code shape} trained with {@code config}: what the hospital
   * and the cloud each derive from a job's announcement, so they cannot disagree.
   *
   * @throws IllegalArgumentException if the batch size is not a multiple of the images one
   *     ciphertext packs
   * @throws DepthException naming the stage if the parameter set is too shallow
   */
  public static TrainingPlan forHead(
      CkksParameters params, HeadShape shape, TrainingConfig config) {
    SlotLayout lay = SlotLayout.forShape(shape, params.slots());
    if (config.batchSize() % lay.batch() != 0) {
      throw new IllegalArgumentException(
          "batch size "
              + config.batchSize()
              + " must be a multiple of the "
              + lay.batch()
              + " images one ciphertext packs ("
              + params.slots()
              + " slots / (T*d = "
              + lay.batchStride()
              + "))");
    }
    return derive(
        params,
        HeadSpec.of(
            lay,
            HeadFunctions.polynomial(shape.classes()),
            config.momentum(),
            config.weightDecay(),
            config.rangePenalty()));
  }

  public HeadSpec spec() {
    return spec;
  }

  /** The parameter set's top level. */
  public int maxLevel() {
    return maxLevel;
  }

  /**
   * The level the hospital encrypts an input at: a batch operand, a parameter or a velocity (the
   * latter two also the level they are refreshed to at the start of a weight version).
   *
   * @throws IllegalArgumentException if the operand is not an input
   */
  public int inputLevel(Operand op) {
    Integer l = levels.inputs.get(op);
    if (l == null) {
      throw new IllegalArgumentException(op + " is not a hospital input");
    }
    return l;
  }

  /** {@link #inputLevel} of each operand, in order. */
  public int[] inputLevels(List<Operand> ops) {
    return ops.stream().mapToInt(this::inputLevel).toArray();
  }

  /**
   * The parameters and velocities among {@code weights} that are below their planned level (what
   * the last update left low): refreshed at the start of the next weight version.
   */
  public <C> List<Operand> belowPlan(Values<C> weights, java.util.function.ToIntFunction<C> level) {
    List<Operand> low = new ArrayList<>();
    for (Operand op : weights.operands()) {
      if (level.applyAsInt(weights.get(op)) < inputLevel(op)) {
        low.add(op);
      }
    }
    return low;
  }

  /** The level each input of {@code phase} is brought down to before it computes. */
  public Map<Operand, Integer> entryLevels(Phase phase) {
    return Collections.unmodifiableMap(levels.entries.get(phase));
  }

  /** The level each of {@link Phase#refreshed()} is refreshed to, in that order. */
  public int[] refreshLevels(Phase phase) {
    List<Operand> r = phase.refreshed();
    int[] out = new int[r.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = levels.refreshes.get(phase).get(r.get(i));
    }
    return out;
  }

  /**
   * What the refresh after {@code phase} receives, in request order: {@link Phase#refreshed()} for
   * a micro-batch phase; for {@link Phase#OPTIMIZER_UPDATE}, the parameters and velocities the
   * update leaves below their input level ({@link #belowPlan}), refreshed at the start of the next
   * version. Empty if nothing is refreshed.
   */
  public List<RefreshInput> refreshInputs(Phase phase) {
    return refreshInputs.get(phase);
  }

  /**
   * What a refresh receives, in request order: {@link #refreshInputs(Phase)} of its phase, or for
   * the weights' refresh its part ({@link RefreshId#weights}).
   *
   * @throws IllegalArgumentException if the weights' refresh has no such part
   */
  public List<RefreshInput> refreshInputs(RefreshId id) {
    if (id.after() != Phase.OPTIMIZER_UPDATE) {
      return refreshInputs(id.after());
    }
    if (id.microBatch() >= weightParts.size()) {
      throw new IllegalArgumentException(
          "the weights' refresh has " + weightParts.size() + " parts, not " + id.microBatch());
    }
    return weightParts.get(id.microBatch());
  }

  /**
   * Round trips of the weights' refresh at the start of each version after the first: the weights
   * the update leaves below plan ({@link #refreshInputs(Phase)} of {@link Phase#OPTIMIZER_UPDATE})
   * in parts by the phase that first reads them (the attention's first, the velocities last), so
   * the next version's first phase waits only for its own.
   */
  public int weightRefreshParts() {
    return weightParts.size();
  }

  /**
   * The operands of each part of the weights' refresh ({@link #weightRefreshParts}) that are below
   * their planned level among {@code weights}: what to refresh at the start of a version (all empty
   * for weights that arrived fresh).
   */
  public <C> List<List<Operand>> belowPlanByPart(
      Values<C> weights, java.util.function.ToIntFunction<C> level) {
    List<Operand> low = belowPlan(weights, level);
    List<List<Operand>> out = new ArrayList<>();
    for (List<RefreshInput> part : weightParts) {
      out.add(part.stream().map(RefreshInput::operand).filter(low::contains).toList());
    }
    return out;
  }

  /**
   * Refresh round trips of one weight version after the first (the first has no update before it).
   */
  public int refreshRoundTripsPerStep(int microBatches) {
    return refreshRoundTripsPerMicroBatch() * microBatches + weightParts.size();
  }

  /** The level the MLP brings bias gradients down to before their batch sums. */
  public int gradientLevel() {
    return levels.gradientLevel;
  }

  /** What a stage needs. */
  public StagePlan stage(StageKind k) {
    return stages.get(k);
  }

  /** Every rotation step of every stage: the Galois keys the hospital generates. */
  public int[] rotationSteps() {
    SortedSet<Integer> all = new TreeSet<>();
    for (StagePlan p : stages.values()) {
      for (int s : p.rotationSteps()) {
        all.add(s);
      }
    }
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  /** What a phase does at the planned levels. */
  public PhaseFacts phase(Phase p) {
    return phases.get(p);
  }

  /** Rotations of one weight version with {@code microBatches} micro-batches. */
  public long rotationsPerStep(int microBatches) {
    return perStep(microBatches, PhaseFacts::rotations);
  }

  /** Ciphertext products of one weight version with {@code microBatches} micro-batches. */
  public long productsPerStep(int microBatches) {
    return perStep(microBatches, PhaseFacts::products);
  }

  private long perStep(int microBatches, java.util.function.ToLongFunction<PhaseFacts> f) {
    long mb = 0;
    for (Phase p : Phase.MICRO_BATCH) {
      mb += f.applyAsLong(phases.get(p));
    }
    return mb * microBatches + f.applyAsLong(phases.get(Phase.OPTIMIZER_UPDATE));
  }

  /** Refresh round trips per micro-batch (the phases followed by a refresh). */
  public int refreshRoundTripsPerMicroBatch() {
    return (int) Phase.MICRO_BATCH.stream().filter(p -> !p.refreshed().isEmpty()).count();
  }

  /**
   * The most ciphertexts one micro-batch holds at once (its inputs, kept activations and
   * gradients).
   */
  public int peakCiphertextsPerMicroBatch() {
    return peakCiphertexts;
  }

  /** One line per stage and phase, for logs and reports. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (Phase p : Phase.values()) {
      PhaseFacts f = phases.get(p);
      b.append(
          String.format(
              "%-20s %d levels, %3d rotations, %2d products%n",
              p.label(), f.levels(), f.rotations(), f.products()));
    }
    for (StagePlan s : stages.values()) {
      b.append(s).append('\n');
    }
    b.append("inputs encrypted at ").append(levels.inputs).append('\n');
    return b.toString();
  }

  /**
   * A phase's depth: its lowest output below its inputs, all fresh at one level, on a levels-only
   * dry run.
   */
  private static int depth(HeadSpec spec, Phase p) {
    DryRunOps ops = DryRunOps.levelsOnly(spec.layout().slots(), PROBE_LEVELS);
    Stages<SymbolicCiphertext> st = Stages.all(spec, PROBE_LEVELS, k -> ops);
    Map<Operand, SymbolicCiphertext> in = new EnumMap<>(Operand.class);
    p.inputs().forEach(op -> in.put(op, ops.fresh(PROBE_LEVELS)));
    int low = PROBE_LEVELS;
    for (SymbolicCiphertext c :
        p.run(st, Values.of(in), Map.of(), new Phase.Update(0.1, 1)).asMap().values()) {
      low = Math.min(low, c.level());
    }
    return PROBE_LEVELS - low;
  }

  /** The plan's variables: levels, each searched in turn. */
  private static final class Assignment {
    final EnumMap<Operand, Integer> inputs = new EnumMap<>(Operand.class);
    final EnumMap<Phase, EnumMap<Operand, Integer>> refreshes = new EnumMap<>(Phase.class);
    final EnumMap<Phase, EnumMap<Operand, Integer>> entries = new EnumMap<>(Phase.class);
    int gradientLevel;

    /** A variable: which map and key, or the gradient level. */
    record Var(Map<Operand, Integer> map, Operand op) {}

    static Assignment top(int top) {
      Assignment a = new Assignment();
      for (Operand op : Operand.BATCH) {
        a.inputs.put(op, top);
      }
      for (Operand op : Operand.PARAMETERS) {
        a.inputs.put(op, top);
      }
      for (Operand op : Operand.VELOCITIES) {
        a.inputs.put(op, top);
      }
      for (Phase p : Phase.values()) {
        EnumMap<Operand, Integer> r = new EnumMap<>(Operand.class);
        p.refreshed().forEach(op -> r.put(op, top));
        a.refreshes.put(p, r);
        EnumMap<Operand, Integer> e = new EnumMap<>(Operand.class);
        p.inputs().forEach(op -> e.put(op, top));
        a.entries.put(p, e);
      }
      a.gradientLevel = top;
      return a;
    }

    List<Var> vars() {
      List<Var> v = new ArrayList<>();
      inputs.keySet().forEach(op -> v.add(new Var(inputs, op)));
      refreshes.values().forEach(m -> m.keySet().forEach(op -> v.add(new Var(m, op))));
      entries.values().forEach(m -> m.keySet().forEach(op -> v.add(new Var(m, op))));
      v.add(new Var(null, null));
      return v;
    }

    int get(Var v) {
      return v.map() == null ? gradientLevel : v.map().get(v.op());
    }

    void set(Var v, int level) {
      if (v.map() == null) {
        gradientLevel = level;
      } else {
        v.map().put(v.op(), level);
      }
    }
  }

  /**
   * One dry run of a weight version (one micro-batch and the update) at an assignment of levels.
   */
  private static final class Trial {
    final EnumMap<StageKind, OpCounter> counters = new EnumMap<>(StageKind.class);
    final EnumMap<Phase, PhaseFacts> facts = new EnumMap<>(Phase.class);
    final EnumMap<Phase, Integer> lowest = new EnumMap<>(Phase.class);
    final EnumMap<Phase, Map<Operand, SymbolicCiphertext>> arrivals = new EnumMap<>(Phase.class);
    Phase failed;
    LevelException error;
    int peak;

    static Trial run(HeadSpec spec, Assignment a, java.util.function.Supplier<DryRunOps> newOps) {
      Trial t = new Trial();
      for (Phase p : Phase.values()) {
        t.arrivals.put(p, new EnumMap<>(Operand.class));
      }
      EnumMap<StageKind, DryRunOps> ops = new EnumMap<>(StageKind.class);
      for (StageKind k : StageKind.values()) {
        DryRunOps o = newOps.get();
        ops.put(k, o);
        t.counters.put(k, o.counter());
      }
      Stages<SymbolicCiphertext> st = Stages.all(spec, a.gradientLevel, ops::get);
      DryRunOps fresh = ops.get(StageKind.OPTIMIZER);
      Map<Operand, SymbolicCiphertext> w = new EnumMap<>(Operand.class);
      Map<Operand, SymbolicCiphertext> b = new EnumMap<>(Operand.class);
      for (Map.Entry<Operand, Integer> e : a.inputs.entrySet()) {
        (Operand.BATCH.contains(e.getKey()) ? b : w).put(e.getKey(), fresh.fresh(e.getValue()));
      }
      Values<SymbolicCiphertext> weights = Values.of(w);
      Values<SymbolicCiphertext> env = Values.of(b).with(weights.only(Operand.PARAMETERS));
      Phase.Update update = new Phase.Update(0.1, 1);
      for (Phase p : Phase.MICRO_BATCH) {
        env = t.phase(p, st, env, a, update, ops.get(p.stage()));
        if (t.failed != null) {
          return t;
        }
        for (Operand op : p.refreshed()) {
          t.arrivals.get(p).put(op, env.get(op));
          env = env.with(op, fresh.fresh(a.refreshes.get(p).get(op)));
        }
        t.peak = Math.max(t.peak, env.size() - Operand.PARAMETERS.size());
        env = env.only(Phase.liveAfter(p)).with(env.only(Operand.PARAMETERS));
      }
      Values<SymbolicCiphertext> grads =
          Phase.accumulate(
              ops.get(StageKind.OPTIMIZER), Values.empty(), env.only(Operand.GRADIENTS));
      Values<SymbolicCiphertext> updated =
          t.phase(
              Phase.OPTIMIZER_UPDATE,
              st,
              weights.with(grads),
              a,
              update,
              ops.get(StageKind.OPTIMIZER));
      if (t.failed == null) {
        for (Operand op : weights.operands()) {
          if (updated.get(op).level() < a.inputs.get(op)) {
            t.arrivals.get(Phase.OPTIMIZER_UPDATE).put(op, updated.get(op));
          }
        }
      }
      return t;
    }

    private Values<SymbolicCiphertext> phase(
        Phase p,
        Stages<SymbolicCiphertext> st,
        Values<SymbolicCiphertext> env,
        Assignment a,
        Phase.Update update,
        DryRunOps ops) {
      long rotations = ops.counter().rotations();
      long products = ops.counter().products();
      Values<SymbolicCiphertext> out;
      try {
        out = p.run(st, env, a.entries.get(p), update);
      } catch (LevelException e) {
        // Not ignored: a level search treats this as "infeasible"; derive() reports it if nothing
        // is feasible.
        failed = p;
        error = e;
        return env;
      }
      int low = Integer.MAX_VALUE;
      for (SymbolicCiphertext c : out.asMap().values()) {
        low = Math.min(low, c.level());
      }
      lowest.put(p, low);
      facts.put(
          p,
          new PhaseFacts(
              -1, ops.counter().rotations() - rotations, ops.counter().products() - products));
      return env.with(out);
    }
  }
}
