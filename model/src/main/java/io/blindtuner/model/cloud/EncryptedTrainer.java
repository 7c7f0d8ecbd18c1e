package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.approx.PolynomialSoftmax;
import io.blindtuner.model.approx.QuadraticGelu;
import io.blindtuner.model.approx.TaylorSoftmaxPooling;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plan.DepthPlanner;
import io.blindtuner.model.plan.DepthPlanner.Pass;
import io.blindtuner.model.plan.DepthPlanner.Segment;
import io.blindtuner.model.refresh.Refresher;
import io.blindtuner.model.stage.AttentionStage;
import io.blindtuner.model.stage.CipherOps;
import io.blindtuner.model.stage.LossStage;
import io.blindtuner.model.stage.MlpStage;
import io.blindtuner.model.stage.OptimizerStage;
import java.util.ArrayList;
import java.util.List;

/**
 * The cloud's training step on ciphertexts: attention, MLP, loss, backward through MLP and attention, Nesterov on
 * all five parameters. Holds only evaluation keys (inside {@link CipherOps}) and a {@link Refresher}.
 *
 * <p>Per step at B = 32, T = d = m = 16, C = 2: 86 rotations (attention 16 + 17, MLP 16 + 33, loss 4), 18
 * ciphertext products, 17 refreshed ciphertexts in 5 round trips.
 *
 * <p>Refreshes (one round trip each, five per step, the first skipped when nothing is low): (A) parameters and
 * velocities that the previous update left low, (B) z and the attention scores, (C) the logits, h and the
 * activation, (D) the loss gradient, (E) dz. Each segment between them is checked by the {@link DepthPlanner} at
 * construction; every refresh asks for just the level its consumer needs ({@link Levels}).
 */
public final class EncryptedTrainer {
  /** Parameter order everywhere: q, W1, b1, W2, b2. */
  public static final int PARAMETERS = 5;

  private final CipherOps ops;
  private final AttentionStage attention;
  private final MlpStage mlp;
  private final LossStage loss;
  private final OptimizerStage optimizer;
  private final Refresher refresher;
  private final int top;
  private final Levels levels;
  private final Ciphertext[] theta;
  private final Ciphertext[] velocity;

  /** One batch as the hospital sends it. */
  public record Batch(Ciphertext tokens, Ciphertext means, Ciphertext labels) {}

  /**
   * @param functions must be the polynomial head ({@link HeadFunctions#polynomial})
   * @param theta the encrypted parameters (q, W1, b1, W2, b2)
   * @param velocity their encrypted velocities
   * @throws IllegalArgumentException if the functions are not the polynomial ones, the arrays are not of five, or
   *     the parameter set is too shallow (a {@link DepthPlanner.DepthException} naming the stage)
   */
  public EncryptedTrainer(CipherOps ops, SlotLayout lay, HeadFunctions functions, double momentum,
      double weightDecay, Refresher refresher, Ciphertext[] theta, Ciphertext[] velocity) {
    if (theta.length != PARAMETERS || velocity.length != PARAMETERS) {
      throw new IllegalArgumentException("need " + PARAMETERS + " parameters and velocities, got " + theta.length
          + " and " + velocity.length);
    }
    Stages st = Stages.of(ops, lay, functions, momentum, weightDecay);
    this.ops = ops;
    this.attention = st.attention();
    this.mlp = st.mlp();
    this.loss = st.loss();
    this.optimizer = st.optimizer();
    this.refresher = refresher;
    this.top = ops.parameters().maxLevel();
    this.theta = theta.clone();
    this.velocity = velocity.clone();
    DepthPlanner.check(top, segments(attention, mlp, loss, optimizer));
    this.levels = levels(attention, mlp, loss, optimizer);
  }

  /** The four stages of the head. */
  private record Stages(AttentionStage attention, MlpStage mlp, LossStage loss, OptimizerStage optimizer) {
    static Stages of(CipherOps ops, SlotLayout lay, HeadFunctions functions, double momentum,
        double weightDecay) {
      if (!(functions.pooling() instanceof TaylorSoftmaxPooling)
          || !(functions.activation() instanceof QuadraticGelu gelu)
          || !(functions.softmax() instanceof PolynomialSoftmax softmax)) {
        throw new IllegalArgumentException("the encrypted head runs the polynomial functions only, got "
            + functions.pooling().describe() + "; " + functions.activation().describe() + "; "
            + functions.softmax().describe());
      }
      OptimizerStage optimizer = new OptimizerStage(ops, momentum, weightDecay);
      return new Stages(new AttentionStage(ops, lay),
          new MlpStage(ops, lay, softmax.classes(), gelu, optimizer.backwardLevels()), new LossStage(ops, lay, softmax),
          optimizer);
    }
  }

  /**
   * The levels a trainer with these settings works at, for the hospital to encrypt the initial state and batches.
   *
   * @throws IllegalArgumentException if the functions are not the polynomial ones
   */
  public static Levels levels(CipherOps ops, SlotLayout lay, HeadFunctions functions) {
    Stages st = Stages.of(ops, lay, functions, 0, 0);
    return levels(st.attention(), st.mlp(), st.loss(), st.optimizer());
  }

  /** The segments of one step between refreshes, as {@link #step} runs them. */
  public static List<Segment> segments(AttentionStage attention, MlpStage mlp, LossStage loss,
      OptimizerStage optimizer) {
    return List.of(
        Segment.of(new Pass(attention.name(), "forward", attention.forwardLevels())),
        Segment.of(new Pass(mlp.name(), "forward", mlp.forwardLevels())),
        Segment.of(new Pass(loss.name(), "forward", loss.forwardLevels())),
        Segment.of(new Pass(mlp.name(), "backward", mlp.backwardLevels())),
        Segment.of(new Pass(mlp.name(), "backward to dW1", mlp.gradientLevels()),
            new Pass(optimizer.name(), "update", optimizer.backwardLevels())),
        Segment.of(new Pass(attention.name(), "backward", attention.backwardLevels()),
            new Pass(optimizer.name(), "update", optimizer.backwardLevels())));
  }

  /** Every rotation step a trainer for this layout and class count uses (the Galois keys to generate). */
  public static int[] rotationSteps(SlotLayout lay, int classes) {
    return new CipherOps.Steps().add(AttentionStage.steps(lay)).add(MlpStage.steps(lay, classes))
        .add(LossStage.steps(classes)).toArray();
  }

  /**
   * The levels the cloud asks for, derived from the stages' declared costs so that no segment computes at a
   * higher level than it needs (operations at level l cost roughly (l + 1)^2) and every later use still has its
   * levels:
   *
   * <ul>
   *   <li>attention forward, z, logits: their pass's cost;
   *   <li>G: the MLP backward's cost, or its W1-gradient path plus the optimizer if deeper;
   *   <li>dz and the tokens: the attention backward plus the optimizer (the tokens enter its first product);
   *   <li>scores: dz minus the 2 levels consumed before dc = g (1 + c);
   *   <li>hidden h: optimizer + 2 (dh = da (h + .) then dW1 = dh z, then the update);
   *   <li>activation aq: optimizer + 1 (dW2 = G aq, then the update);
   *   <li>parameters: G's level (W2 enters the backward's first product with G); velocities: the optimizer's.
   * </ul>
   *
   * @param attention level of the attention forward's inputs
   * @param z level of z for the MLP forward
   * @param scores level of the attention scores kept for backward
   * @param logits level of the logits for the loss
   * @param hidden level of h kept for backward
   * @param activation level of aq kept for backward
   * @param gradient level of G for the MLP backward
   * @param dz level of dz for the attention backward
   * @param tokens level the hospital encrypts tokens at
   * @param means level the hospital encrypts token means at
   * @param labels level the hospital encrypts labels at
   * @param parameters level of refreshed parameters
   * @param velocities level of refreshed velocities
   */
  public record Levels(int attention, int z, int scores, int logits, int hidden, int activation, int gradient,
      int dz, int tokens, int means, int labels, int parameters, int velocities) {}

  private static Levels levels(AttentionStage att, MlpStage mlp, LossStage loss, OptimizerStage opt) {
    int update = opt.backwardLevels();
    int gradient = Math.max(mlp.backwardLevels(), mlp.gradientLevels() + update);
    int dz = att.backwardLevels() + update;
    return new Levels(att.forwardLevels(), mlp.forwardLevels(), dz - 2, loss.forwardLevels(), update + 2,
        update + 1, gradient, dz, dz, att.forwardLevels(), 0, gradient, update);
  }

  /** The levels this trainer works at (the hospital encrypts batches and the initial state at these). */
  public Levels levels() {
    return levels;
  }

  /** One training step with learning rate {@code lr}. */
  public void step(Batch batch, double lr) {
    // (A) parameters and velocities that the previous update left too low.
    List<Ciphertext> low = new ArrayList<>();
    List<Integer> to = new ArrayList<>();
    List<int[]> where = new ArrayList<>();
    for (int i = 0; i < PARAMETERS; i++) {
      if (theta[i].level() < levels.parameters()) {
        low.add(theta[i]);
        to.add(levels.parameters());
        where.add(new int[] {0, i});
      }
      if (velocity[i].level() < levels.velocities()) {
        low.add(velocity[i]);
        to.add(levels.velocities());
        where.add(new int[] {1, i});
      }
    }
    List<Ciphertext> fresh = refresh(low, to.stream().mapToInt(Integer::intValue).toArray());
    for (int k = 0; k < fresh.size(); k++) {
      (where.get(k)[0] == 0 ? theta : velocity)[where.get(k)[1]] = fresh.get(k);
    }
    AttentionStage.Forward att = attention.forward(ops.down(batch.tokens(), levels.attention()),
        ops.down(batch.means(), levels.attention()), ops.down(theta[0], levels.attention()));
    // (B) z for the MLP, the scores for the attention backward.
    List<Ciphertext> b = refresh(List.of(att.z(), att.scores()), levels.z(), levels.scores());
    att = new AttentionStage.Forward(b.get(0), b.get(1));
    Ciphertext z = att.z();
    MlpStage.Forward fwd = mlp.forward(z, theta[1], theta[2], theta[3], theta[4]);
    // (C) logits for the loss; h and aq for the MLP backward.
    List<Ciphertext> c = refresh(List.of(fwd.logits(), fwd.h(), fwd.aq()), levels.logits(), levels.hidden(),
        levels.activation());
    fwd = new MlpStage.Forward(c.get(1), c.get(2), c.get(0));
    Ciphertext g = loss.forward(fwd.logits(), batch.labels());
    // (D) the loss gradient.
    g = refresh(List.of(g), levels.gradient()).get(0);
    MlpStage.Backward back = mlp.backward(g, z, fwd, theta[1], theta[3]);
    // (E) dz for the attention backward.
    Ciphertext dz = refresh(List.of(back.dz()), levels.dz()).get(0);
    Ciphertext dq = attention.backward(dz, batch.tokens(), att);
    Ciphertext[] grads = {dq, back.w1(), back.b1(), back.w2(), back.b2()};
    double[] factors = {1, 1, 1, back.w2Factor(), 1};
    for (int i = 0; i < PARAMETERS; i++) {
      OptimizerStage.Update u = optimizer.step(theta[i], velocity[i], grads[i], factors[i], lr);
      theta[i] = u.parameter();
      velocity[i] = u.velocity();
    }
  }

  private List<Ciphertext> refresh(List<Ciphertext> cts, int... to) {
    return cts.isEmpty() ? List.of() : refresher.refresh(cts, to);
  }

  /** The current encrypted parameters (q, W1, b1, W2, b2), for the hospital to decrypt. */
  public Ciphertext[] parameters() {
    return theta.clone();
  }
}
