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
 * <p>Refreshes (one round trip each, at most five per step): (A) parameters and velocities that the previous
 * update left low, (B) z after attention, (C) the logits after the MLP, (D) the loss gradient, (E) dz after the MLP
 * backward. Each segment between them is checked by the {@link DepthPlanner} at construction.
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
      Refresher refresher, Ciphertext[] theta, Ciphertext[] velocity) {
    if (!(functions.pooling() instanceof TaylorSoftmaxPooling)
        || !(functions.activation() instanceof QuadraticGelu gelu)
        || !(functions.softmax() instanceof PolynomialSoftmax softmax)) {
      throw new IllegalArgumentException("the encrypted head runs the polynomial functions only, got "
          + functions.pooling().describe() + "; " + functions.activation().describe() + "; "
          + functions.softmax().describe());
    }
    if (theta.length != PARAMETERS || velocity.length != PARAMETERS) {
      throw new IllegalArgumentException("need " + PARAMETERS + " parameters and velocities, got " + theta.length
          + " and " + velocity.length);
    }
    this.ops = ops;
    this.attention = new AttentionStage(ops, lay);
    this.mlp = new MlpStage(ops, lay, softmax.classes(), gelu);
    this.loss = new LossStage(ops, lay, softmax);
    this.optimizer = new OptimizerStage(ops, momentum);
    this.refresher = refresher;
    this.top = ops.parameters().maxLevel();
    this.theta = theta.clone();
    this.velocity = velocity.clone();
    DepthPlanner.check(top, segments(attention, mlp, loss, optimizer));
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

  /** One training step with learning rate {@code lr}. */
  public void step(Batch batch, double lr) {
    // (A) parameters back to the top; velocities need the optimizer's 2 levels.
    List<Ciphertext> low = new ArrayList<>();
    List<int[]> where = new ArrayList<>();
    for (int i = 0; i < PARAMETERS; i++) {
      if (theta[i].level() < top) {
        low.add(theta[i]);
        where.add(new int[] {0, i});
      }
      if (velocity[i].level() < optimizer.backwardLevels()) {
        low.add(velocity[i]);
        where.add(new int[] {1, i});
      }
    }
    List<Ciphertext> fresh = refresher.refresh(low);
    for (int k = 0; k < fresh.size(); k++) {
      (where.get(k)[0] == 0 ? theta : velocity)[where.get(k)[1]] = fresh.get(k);
    }
    AttentionStage.Forward att = attention.forward(batch.tokens(), batch.means(), theta[0]);
    Ciphertext z = ensure(att.z(), mlp.forwardLevels());
    MlpStage.Forward fwd = mlp.forward(z, theta[1], theta[2], theta[3], theta[4]);
    Ciphertext logits = ensure(fwd.logits(), loss.forwardLevels());
    Ciphertext g = ensure(loss.forward(logits, batch.labels()), mlp.backwardLevels());
    MlpStage.Backward back = mlp.backward(g, z, fwd, theta[1], theta[3]);
    Ciphertext dz = ensure(back.dz(), attention.backwardLevels());
    Ciphertext dq = attention.backward(dz, batch.tokens(), att);
    Ciphertext[] grads = {dq, back.w1(), back.b1(), back.w2(), back.b2()};
    double[] factors = {1, 1, 1, back.w2Factor(), 1};
    for (int i = 0; i < PARAMETERS; i++) {
      OptimizerStage.Update u = optimizer.step(theta[i], velocity[i], grads[i], factors[i], lr);
      theta[i] = u.parameter();
      velocity[i] = u.velocity();
    }
  }

  private Ciphertext ensure(Ciphertext c, int levels) {
    return c.level() >= levels ? c : refresher.refresh(List.of(c)).get(0);
  }

  /** The current encrypted parameters (q, W1, b1, W2, b2), for the hospital to decrypt. */
  public Ciphertext[] parameters() {
    return theta.clone();
  }

  public CipherOps ops() {
    return ops;
  }
}
