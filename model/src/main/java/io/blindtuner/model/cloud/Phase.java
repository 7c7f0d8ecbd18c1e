package io.blindtuner.model.cloud;

import static io.blindtuner.model.cloud.Operand.AQ;
import static io.blindtuner.model.cloud.Operand.B1;
import static io.blindtuner.model.cloud.Operand.B2;
import static io.blindtuner.model.cloud.Operand.DB1;
import static io.blindtuner.model.cloud.Operand.DB2;
import static io.blindtuner.model.cloud.Operand.DQ;
import static io.blindtuner.model.cloud.Operand.DW1;
import static io.blindtuner.model.cloud.Operand.DW2;
import static io.blindtuner.model.cloud.Operand.DZ;
import static io.blindtuner.model.cloud.Operand.GRADIENT;
import static io.blindtuner.model.cloud.Operand.H;
import static io.blindtuner.model.cloud.Operand.LABELS;
import static io.blindtuner.model.cloud.Operand.LOGITS;
import static io.blindtuner.model.cloud.Operand.MEANS;
import static io.blindtuner.model.cloud.Operand.Q;
import static io.blindtuner.model.cloud.Operand.SCORES;
import static io.blindtuner.model.cloud.Operand.TOKENS;
import static io.blindtuner.model.cloud.Operand.W1;
import static io.blindtuner.model.cloud.Operand.W2;
import static io.blindtuner.model.cloud.Operand.Z;

import io.blindtuner.model.stage.AttentionStage;
import io.blindtuner.model.stage.CipherOps;
import io.blindtuner.model.stage.MlpStage;
import io.blindtuner.model.stage.OptimizerStage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The training step, defined once: the phases of one micro-batch in order, each run by one stage,
 * with the ciphertexts refreshed after it; then, once per weight version, the optimizer's update of
 * the accumulated gradients. The sequential trainer, the dry run that derives the {@link
 * io.blindtuner.model.plan.TrainingPlan} and the actor graph all walk this list; none of them
 * repeats it.
 */
public enum Phase {
  ATTENTION_FORWARD(StageKind.ATTENTION, "forward", List.of(TOKENS, MEANS, Q), List.of(Z, SCORES)) {
    @Override
    <C> Map<Operand, C> compute(Stages<C> s, Values<C> in, Update u) {
      AttentionStage.Forward<C> f = s.attention().forward(in.get(TOKENS), in.get(MEANS), in.get(Q));
      return Map.of(Z, f.z(), SCORES, f.scores());
    }
  },
  MLP_FORWARD(StageKind.MLP, "forward", List.of(Z, W1, B1, W2, B2), List.of(LOGITS, H, AQ)) {
    @Override
    <C> Map<Operand, C> compute(Stages<C> s, Values<C> in, Update u) {
      MlpStage.Forward<C> f =
          s.mlp().forward(in.get(Z), in.get(W1), in.get(B1), in.get(W2), in.get(B2));
      return Map.of(H, f.h(), AQ, f.aq(), LOGITS, f.logits());
    }
  },
  LOSS_FORWARD(StageKind.LOSS, "forward", List.of(LOGITS, LABELS), List.of(GRADIENT)) {
    @Override
    <C> Map<Operand, C> compute(Stages<C> s, Values<C> in, Update u) {
      return Map.of(GRADIENT, s.loss().forward(in.get(LOGITS), in.get(LABELS)));
    }
  },
  MLP_BACKWARD(StageKind.MLP, "backward", List.of(GRADIENT, Z, H, AQ, W1, W2), List.of(DZ)) {
    @Override
    <C> Map<Operand, C> compute(Stages<C> s, Values<C> in, Update u) {
      MlpStage.Backward<C> b =
          s.mlp()
              .backward(in.get(GRADIENT), in.get(Z), in.get(H), in.get(AQ), in.get(W1), in.get(W2));
      return Map.of(DZ, b.dz(), DW1, b.w1(), DB1, b.b1(), DW2, b.w2(), DB2, b.b2());
    }
  },
  ATTENTION_BACKWARD(StageKind.ATTENTION, "backward", List.of(DZ, TOKENS, SCORES), List.of()) {
    @Override
    <C> Map<Operand, C> compute(Stages<C> s, Values<C> in, Update u) {
      return Map.of(DQ, s.attention().backward(in.get(DZ), in.get(TOKENS), in.get(SCORES)));
    }
  },
  /**
   * Once per weight version, on the gradients accumulated over its micro-batches ({@link
   * #accumulate}).
   */
  OPTIMIZER_UPDATE(StageKind.OPTIMIZER, "update", updateInputs(), List.of()) {
    @Override
    <C> Map<Operand, C> compute(Stages<C> s, Values<C> in, Update u) {
      OptimizerStage<C> opt = s.optimizer();
      Map<Operand, C> out = new EnumMap<>(Operand.class);
      for (int i = 0; i < Operand.PARAMETERS.size(); i++) {
        Operand p = Operand.PARAMETERS.get(i);
        Operand v = Operand.VELOCITIES.get(i);
        OptimizerStage.Update<C> r =
            opt.step(
                in.get(p),
                in.get(v),
                in.get(Operand.GRADIENTS.get(i)),
                gradientFactor(s.spec(), i) / u.microBatches(),
                u.learningRate());
        out.put(p, r.parameter());
        out.put(v, r.velocity());
      }
      return out;
    }
  };

  /** The per-micro-batch phases, in order. */
  public static final List<Phase> MICRO_BATCH =
      List.of(ATTENTION_FORWARD, MLP_FORWARD, LOSS_FORWARD, MLP_BACKWARD, ATTENTION_BACKWARD);

  /**
   * The operands a micro-batch still needs after {@code phase} (one of {@link #MICRO_BATCH}): the
   * inputs of the phases after it and the gradients for the optimizer. Everything else can be
   * dropped, which bounds the ciphertexts alive.
   */
  public static Set<Operand> liveAfter(Phase phase) {
    EnumSet<Operand> live = EnumSet.copyOf(Operand.GRADIENTS);
    for (int i = MICRO_BATCH.indexOf(phase) + 1; i < MICRO_BATCH.size(); i++) {
      live.addAll(MICRO_BATCH.get(i).inputs());
    }
    return live;
  }

  /**
   * What the optimizer update needs besides ciphertexts.
   *
   * @param learningRate this version's learning rate
   * @param microBatches micro-batches whose gradients were summed (their mean is applied)
   */
  public record Update(double learningRate, int microBatches) {
    /**
     * @throws IllegalArgumentException if the rate is not finite or there are no micro-batches
     */
    public Update {
      if (!Double.isFinite(learningRate) || microBatches < 1) {
        throw new IllegalArgumentException(
            "learning rate must be finite and micro-batches >= 1, got "
                + learningRate
                + ", "
                + microBatches);
      }
    }
  }

  private final StageKind stage;
  private final String pass;
  private final List<Operand> inputs;
  private final List<Operand> refreshed;

  Phase(StageKind stage, String pass, List<Operand> inputs, List<Operand> refreshed) {
    this.stage = stage;
    this.pass = pass;
    this.inputs = inputs;
    this.refreshed = refreshed;
  }

  private static List<Operand> updateInputs() {
    List<Operand> in = new ArrayList<>(Operand.PARAMETERS);
    in.addAll(Operand.VELOCITIES);
    in.addAll(Operand.GRADIENTS);
    return List.copyOf(in);
  }

  /** The stage that runs this phase. */
  public StageKind stage() {
    return stage;
  }

  /** forward, backward or update. */
  public String pass() {
    return pass;
  }

  /** The ciphertexts it reads. */
  public List<Operand> inputs() {
    return inputs;
  }

  /** The outputs refreshed by the key holder right after it (one round trip), in this order. */
  public List<Operand> refreshed() {
    return refreshed;
  }

  /** "attention forward". */
  public String label() {
    return stage.label() + " " + pass;
  }

  abstract <C> Map<Operand, C> compute(Stages<C> s, Values<C> in, Update u);

  /**
   * Runs the phase: each input is first brought down to its entry level (inputs already lower stay
   * as they are), then the stage computes.
   *
   * @param entryLevels the level each input is brought down to (from the plan)
   * @param update the learning rate and micro-batch count (used by {@link #OPTIMIZER_UPDATE} only)
   * @return the outputs
   * @throws io.blindtuner.he.ckks.HeException from the stage's operations (e.g. a missing key, a
   *     ciphertext of other parameters)
   */
  public <C> Values<C> run(
      Stages<C> stages, Values<C> in, Map<Operand, Integer> entryLevels, Update update) {
    CipherOps<C> ops = stages.ops(stage);
    Map<Operand, C> entered = new EnumMap<>(Operand.class);
    for (Operand op : inputs) {
      C c = in.get(op);
      Integer level = entryLevels.get(op);
      entered.put(op, level == null || level >= ops.level(c) ? c : ops.down(c, level));
    }
    return Values.of(compute(stages, Values.of(entered), update));
  }

  /**
   * Sums micro-batch gradients: {@code acc + grads} over {@link Operand#GRADIENTS} ({@code acc} may
   * be empty).
   */
  public static <C> Values<C> accumulate(CipherOps<C> ops, Values<C> acc, Values<C> grads) {
    Map<Operand, C> out = new EnumMap<>(Operand.class);
    for (Operand g : Operand.GRADIENTS) {
      out.put(g, acc.has(g) ? ops.add(acc.get(g), grads.get(g)) : grads.get(g));
    }
    return Values.of(out);
  }

  /**
   * The known factor of a parameter's gradient ciphertext (alpha for W2, see {@link
   * MlpStage.Backward}).
   */
  static double gradientFactor(HeadSpec spec, int parameter) {
    return Operand.PARAMETERS.get(parameter) == W2 ? spec.gelu().alpha() : 1;
  }
}
