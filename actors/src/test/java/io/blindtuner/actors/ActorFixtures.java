package io.blindtuner.actors;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.config.ActorSettings;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.cloud.HeadSpec;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.StageKeys;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.hospital.KeyHolder;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small INSECURE ring (N = 1024, for speed), a derived plan, its keys and encrypted weights for
 * actor tests.
 */
public final class ActorFixtures {
  public static final CkksParameters PARAMS =
      CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 40, 40, 40, 40, 40, 60).asInsecure());
  public static final HeadShape SHAPE = new HeadShape(4, 8, 4, 2);
  public static final ActorSettings SETTINGS = ActorSettings.from(ConfigFactory.load());
  public final TrainingPlan plan;
  public final KeyHolder keys;

  public ActorFixtures() {
    SlotLayout lay = SlotLayout.forShape(SHAPE, PARAMS.slots());
    plan = TrainingPlan.derive(PARAMS, HeadSpec.of(lay, HeadFunctions.polynomial(2), 0.9, 1e-3, 0));
    keys = new KeyHolder(PARAMS, plan.rotationSteps());
  }

  /** The keys the plan gives {@code k}, or those minus its last step. */
  public StageKeys keys(StageKind k, boolean dropLastStep) {
    int[] steps = plan.stage(k).rotationSteps();
    int n = dropLastStep ? steps.length - 1 : steps.length;
    return new StageKeys(
        k,
        plan.stage(k).relinearization() ? Optional.of(keys.relinKeys()) : Optional.empty(),
        keys.galoisKeys().restrictTo(PARAMS, java.util.Arrays.copyOf(steps, n)));
  }

  /** Encrypted initial parameters and zero velocities at the planned levels. */
  public Values<Ciphertext> weights() {
    SlotLayout lay = plan.spec().layout();
    double[][] packed = lay.pack(HeadParameters.initial(SHAPE, 5));
    Map<Operand, Ciphertext> w = new EnumMap<>(Operand.class);
    for (int i = 0; i < Operand.PARAMETERS.size(); i++) {
      w.put(
          Operand.PARAMETERS.get(i),
          keys.encrypt(packed[i], plan.inputLevel(Operand.PARAMETERS.get(i))));
      w.put(
          Operand.VELOCITIES.get(i),
          keys.encrypt(new double[0], plan.inputLevel(Operand.VELOCITIES.get(i))));
    }
    return Values.of(w);
  }

  /** Encrypted gradients (all 0.01) at a level the optimizer can use. */
  public Values<Ciphertext> gradients() {
    Map<Operand, Ciphertext> g = new EnumMap<>(Operand.class);
    double[] v = new double[PARAMS.slots()];
    java.util.Arrays.fill(v, 0.01);
    for (Operand op : Operand.GRADIENTS) {
      g.put(op, keys.encrypt(v, 3));
    }
    return Values.of(g);
  }

  /** A fresh ciphertext of zeros at the top level. */
  public Ciphertext zeros() {
    return keys.encrypt(new double[0]);
  }
}
