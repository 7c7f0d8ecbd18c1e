package io.blindtuner.model.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.cloud.EncryptedTrainer;
import io.blindtuner.model.hospital.InProcessRefresher;
import io.blindtuner.model.hospital.KeyHolder;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plan.DepthPlanner.Pass;
import io.blindtuner.model.plan.DepthPlanner.Segment;
import io.blindtuner.model.stage.CipherOps;
import java.util.List;
import org.junit.jupiter.api.Test;

class DepthPlannerTest {

  @Test
  void acceptsSegmentsThatFitAndReportsTheDeepest() {
    assertThat(DepthPlanner.check(7, List.of(Segment.of(new Pass("a", "forward", 5)),
        Segment.of(new Pass("b", "backward", 5), new Pass("opt", "update", 2))))).isEqualTo(7);
  }

  @Test
  void namesTheStageThatOverflows() {
    assertThatThrownBy(() -> DepthPlanner.check(6, List.of(Segment.of(new Pass("attention", "backward", 5),
        new Pass("optimizer", "update", 2)))))
        .isInstanceOfSatisfying(DepthPlanner.DepthException.class, e -> assertThat(e.stage()).isEqualTo("optimizer"))
        .hasMessageContaining("stage 'optimizer'").hasMessageContaining("has 6");
  }

  @Test
  void trainerRefusesAParameterSetTooShallowForTheAttentionStage() {
    // INSECURE small ring for speed; 4 data levels cannot hold the attention forward pass (5 levels).
    CkksParameters params = CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 40, 40, 60).asInsecure());
    HeadShape shape = new HeadShape(4, 8, 4, 2);
    SlotLayout lay = SlotLayout.forShape(shape, params.slots());
    KeyHolder keys = new KeyHolder(params, new int[] {1});
    CipherOps ops = new CipherOps(params, new Evaluator(params), keys.encoder(), keys.relinKeys(), keys.galoisKeys());
    Ciphertext[] five = new Ciphertext[5];
    for (int i = 0; i < 5; i++) {
      five[i] = keys.encrypt(new double[0]);
    }
    assertThatThrownBy(() -> new EncryptedTrainer(ops, lay, HeadFunctions.polynomial(2), 0.9, 0,
        new InProcessRefresher(keys), five, five))
        .isInstanceOfSatisfying(DepthPlanner.DepthException.class, e -> assertThat(e.stage()).isEqualTo("attention"))
        .hasMessageContaining("parameter set has 4");
  }
}
