package io.blindtuner.model.cloud;

import io.blindtuner.model.stage.AttentionStage;
import io.blindtuner.model.stage.CipherOps;
import io.blindtuner.model.stage.LossStage;
import io.blindtuner.model.stage.MlpStage;
import io.blindtuner.model.stage.OptimizerStage;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The stage objects a component holds, each over its own {@link CipherOps} (its own keys): all four
 * for the sequential trainer and the dry run, exactly one for a stage actor. Asking for a stage not
 * held is an error that names it.
 *
 * @param <C> the ciphertext type
 */
public final class Stages<C> {
  private final HeadSpec spec;
  private final EnumMap<StageKind, Object> stages = new EnumMap<>(StageKind.class);
  private final EnumMap<StageKind, CipherOps<C>> ops = new EnumMap<>(StageKind.class);

  private Stages(HeadSpec spec) {
    this.spec = spec;
  }

  /**
   * The stages of {@code kinds}, each over the ops {@code opsFor} gives it.
   *
   * @param gradientLevel the level the MLP brings bias gradients down to (from the plan)
   */
  public static <C> Stages<C> of(
      HeadSpec spec,
      int gradientLevel,
      Iterable<StageKind> kinds,
      Function<StageKind, CipherOps<C>> opsFor) {
    Stages<C> s = new Stages<>(spec);
    for (StageKind k : kinds) {
      CipherOps<C> o = opsFor.apply(k);
      s.ops.put(k, o);
      s.stages.put(
          k,
          switch (k) {
            case ATTENTION -> new AttentionStage<>(o, spec.layout());
            case MLP ->
                new MlpStage<>(
                    o,
                    spec.layout(),
                    spec.classes(),
                    spec.gelu(),
                    spec.rangePenalty(),
                    gradientLevel);
            case LOSS -> new LossStage<>(o, spec.layout(), spec.softmax(), spec.rangePenalty());
            case OPTIMIZER -> new OptimizerStage<>(o, spec.momentum(), spec.weightDecay());
          });
    }
    return s;
  }

  /** All four stages, each over its own ops. */
  public static <C> Stages<C> all(
      HeadSpec spec, int gradientLevel, Function<StageKind, CipherOps<C>> opsFor) {
    return of(spec, gradientLevel, java.util.List.of(StageKind.values()), opsFor);
  }

  public HeadSpec spec() {
    return spec;
  }

  /** The ops of a held stage. @throws IllegalStateException if the stage is not held */
  public CipherOps<C> ops(StageKind k) {
    held(k);
    return ops.get(k);
  }

  /** The ops of every held stage. */
  public Map<StageKind, CipherOps<C>> allOps() {
    return java.util.Collections.unmodifiableMap(ops);
  }

  @SuppressWarnings("unchecked")
  public AttentionStage<C> attention() {
    return (AttentionStage<C>) held(StageKind.ATTENTION);
  }

  @SuppressWarnings("unchecked")
  public MlpStage<C> mlp() {
    return (MlpStage<C>) held(StageKind.MLP);
  }

  @SuppressWarnings("unchecked")
  public LossStage<C> loss() {
    return (LossStage<C>) held(StageKind.LOSS);
  }

  @SuppressWarnings("unchecked")
  public OptimizerStage<C> optimizer() {
    return (OptimizerStage<C>) held(StageKind.OPTIMIZER);
  }

  private Object held(StageKind k) {
    Object s = stages.get(k);
    if (s == null) {
      throw new IllegalStateException(
          "stage '" + k.label() + "' is not held here (holding " + stages.keySet() + ")");
    }
    return s;
  }
}
