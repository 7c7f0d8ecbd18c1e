package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.cloud.HeadSpec;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.model.plan.TrainingPlan.RefreshInput;
import java.util.ArrayList;
import java.util.List;

/**
 * A small INSECURE ring (N = 1024, for speed), a derived plan, its keys, and requests shaped like
 * the plan's.
 */
public final class RefreshFixture {
  public static final CkksParameters PARAMS =
      CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 40, 40, 40, 40, 40, 60).asInsecure());
  public final TrainingPlan plan;
  public final KeyHolder keys;

  public RefreshFixture() {
    SlotLayout lay = SlotLayout.forShape(new HeadShape(4, 8, 4, 2), PARAMS.slots());
    plan = TrainingPlan.derive(PARAMS, HeadSpec.of(lay, HeadFunctions.polynomial(2), 0.9, 1e-3, 0));
    keys = new KeyHolder(PARAMS, plan.rotationSteps());
  }

  /**
   * A guard with an in-memory ledger of the agreement's budget, reporting refusals to {@code
   * reasons}.
   */
  public RefreshGuard guard(RefreshAgreement a, List<String> reasons) {
    return new RefreshGuard(
        keys, a, RefreshLedger.inMemory(a.budget()), (id, r) -> reasons.add(id + ": " + r));
  }

  /**
   * Ciphertexts encrypting {@code value} in every slot, at the level and scale the plan says {@code
   * p} sends.
   */
  public List<Ciphertext> planned(Phase p, double value) {
    return planned(plan.refreshInputs(p), value);
  }

  /** Ciphertexts encrypting {@code value}, as the plan says refresh {@code id} sends. */
  public List<Ciphertext> planned(RefreshId id, double value) {
    return planned(plan.refreshInputs(id), value);
  }

  /** The levels the plan refreshes {@code id}'s ciphertexts to. */
  public int[] toLevels(RefreshId id) {
    return plan.refreshInputs(id).stream().mapToInt(RefreshInput::toLevel).toArray();
  }

  private List<Ciphertext> planned(List<RefreshInput> inputs, double value) {
    List<Ciphertext> out = new ArrayList<>();
    for (RefreshInput in : inputs) {
      double[] v = new double[PARAMS.slots()];
      java.util.Arrays.fill(v, value * in.scale() / keys.scale(TrainingPlan.REQUEST_LEVEL));
      Ciphertext c = keys.encrypt(v, TrainingPlan.REQUEST_LEVEL);
      c.setScale(in.scale());
      out.add(c);
    }
    return out;
  }

  /** The levels the plan refreshes {@code p}'s outputs to. */
  public int[] toLevels(Phase p) {
    return plan.refreshInputs(p).stream().mapToInt(RefreshInput::toLevel).toArray();
  }

  /**
   * Every id an agreement of {@code steps} versions with {@code microBatches} each allows, in run
   * order.
   */
  public List<RefreshId> ids(long steps, int microBatches) {
    List<RefreshId> ids = new ArrayList<>();
    for (long s = 0; s < steps; s++) {
      for (int part = 0; s > 0 && part < plan.weightRefreshParts(); part++) {
        ids.add(RefreshId.weights(s, part));
      }
      for (int m = 0; m < microBatches; m++) {
        for (Phase p : Phase.MICRO_BATCH) {
          if (!p.refreshed().isEmpty()) {
            ids.add(new RefreshId(s, m, p));
          }
        }
      }
    }
    return ids;
  }
}
