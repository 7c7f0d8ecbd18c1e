package io.blindtuner.model.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.MissingGaloisKeyException;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.cloud.HeadSpec;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.hospital.KeyHolder;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.stage.AttentionStage;
import io.blindtuner.model.stage.HeOps;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainingPlanTest {
  /** The training parameters: N = 16384, [60, 40 x 7, 60], 128-bit. */
  static final CkksParameters TRAINING =
      CkksParameters.create(CkksSpec.of(16384, 60, 40, 40, 40, 40, 40, 40, 40, 60));

  static final HeadShape SHAPE = new HeadShape(16, 16, 16, 2);

  static TrainingPlan plan(CkksParameters params, HeadShape shape) {
    SlotLayout lay = SlotLayout.forShape(shape, params.slots());
    return TrainingPlan.derive(
        params, HeadSpec.of(lay, HeadFunctions.polynomial(shape.classes()), 0.9, 1e-4, 0));
  }

  /** The figures the stages' javadoc and the README declare, against what the dry run derives. */
  @Test
  void derivedFactsEqualTheDeclaredOnes() {
    TrainingPlan two = plan(TRAINING, SHAPE);
    System.out.print(two.describe());
    assertPhase(two, Phase.ATTENTION_FORWARD, 5, 16);
    assertPhase(two, Phase.ATTENTION_BACKWARD, 4, 17);
    assertPhase(two, Phase.MLP_FORWARD, 5, 16);
    assertPhase(two, Phase.MLP_BACKWARD, 5, 33);
    assertPhase(two, Phase.LOSS_FORWARD, 5, 4);
    assertPhase(two, Phase.OPTIMIZER_UPDATE, 2, 0);
    assertThat(two.rotationsPerStep(1)).isEqualTo(86);
    assertThat(two.productsPerStep(1)).isEqualTo(18);
    assertThat(two.refreshRoundTripsPerMicroBatch()).isEqualTo(4);
    // the weights' refresh in parts by first reader: the attention's, the MLP's, the velocities
    assertThat(
            java.util.stream.IntStream.range(0, two.weightRefreshParts())
                .mapToObj(
                    k ->
                        two.refreshInputs(RefreshId.weights(1, k)).stream()
                            .map(TrainingPlan.RefreshInput::operand)
                            .toList()))
        .containsExactly(
            List.of(Operand.Q),
            List.of(Operand.W1, Operand.B1, Operand.W2, Operand.B2),
            List.of(Operand.VQ, Operand.VW1, Operand.VB1, Operand.VW2, Operand.VB2));
    assertThat(two.refreshRoundTripsPerStep(2)).isEqualTo(2 * 4 + 3);
    assertThat(two.stage(StageKind.OPTIMIZER).rotationSteps()).isEmpty();
    assertThat(two.stage(StageKind.OPTIMIZER).relinearization()).isFalse();
    assertThat(two.stage(StageKind.LOSS).rotationSteps()).containsExactly(-1, 1);
    // dz and the tokens carry the attention backward and the update: 4 + 2 levels.
    assertThat(two.inputLevel(Operand.TOKENS)).isEqualTo(6);
    assertThat(two.refreshLevels(Phase.MLP_BACKWARD)).containsExactly(6);

    TrainingPlan five = plan(TRAINING, new HeadShape(16, 16, 16, 5));
    // the normalised softmax (NormalisedSoftmax): the whole depth of a refreshed ciphertext
    assertPhase(five, Phase.LOSS_FORWARD, 7, 14);
    assertThat(five.refreshLevels(Phase.MLP_FORWARD)[0])
        .as("logits refreshed to the top")
        .isEqualTo(7);
    assertThat(five.rotationsPerStep(1)).isEqualTo(98);
    // Every stage's keys are its own: the union is what the hospital generates, and no stage needs
    // all of them.
    for (StageKind k : StageKind.values()) {
      assertThat(Arrays.stream(five.rotationSteps()).boxed().toList())
          .containsAll(Arrays.stream(five.stage(k).rotationSteps()).boxed().toList());
    }
    assertThat(five.stage(StageKind.ATTENTION).rotationSteps()).isNotEqualTo(five.rotationSteps());
  }

  private static void assertPhase(TrainingPlan plan, Phase p, int levels, int rotations) {
    assertThat(plan.phase(p).levels()).as(p.label() + " levels").isEqualTo(levels);
    assertThat(plan.phase(p).rotations()).as(p.label() + " rotations").isEqualTo(rotations);
  }

  @Test
  void aChainTooShallowIsRefusedNamingTheStageBeforeAnyKeyExists() {
    // INSECURE small ring for speed; 4 data levels cannot hold the attention forward pass (5
    // levels).
    CkksParameters params =
        CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 40, 40, 60).asInsecure());
    assertThatThrownBy(() -> plan(params, new HeadShape(4, 8, 4, 2)))
        .isInstanceOfSatisfying(
            DepthException.class,
            e -> {
              assertThat(e.stage()).isEqualTo("attention");
              assertThat(e.needed()).isEqualTo(5);
            })
        .hasMessageContaining("stage 'attention' (forward)")
        .hasMessageContaining("parameter set has 4");
  }

  @Test
  void aStageGivenTooFewKeysFailsNamingTheStep() {
    CkksParameters params =
        CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 40, 40, 40, 40, 40, 60).asInsecure());
    HeadShape shape = new HeadShape(4, 8, 4, 2);
    TrainingPlan plan = plan(params, shape);
    int[] steps = plan.stage(StageKind.ATTENTION).rotationSteps();
    KeyHolder keys = new KeyHolder(params, steps);
    int dropped = steps[steps.length - 1];
    HeOps ops =
        new HeOps(
            "attention",
            params,
            Evaluator.strict(params, Parallelism.SERIAL),
            keys.encoder(),
            Optional.of(keys.relinKeys()),
            keys.galoisKeys().restrictTo(params, Arrays.copyOf(steps, steps.length - 1)));
    AttentionStage<Ciphertext> stage = new AttentionStage<>(ops, plan.spec().layout());
    Ciphertext x = keys.encrypt(new double[0]);
    assertThatThrownBy(
            () -> {
              AttentionStage.Forward<Ciphertext> f = stage.forward(x, x, x);
              stage.backward(x, x, f.scores());
            })
        .isInstanceOf(MissingGaloisKeyException.class)
        .hasMessageContaining("stage 'attention' has no Galois key for step " + dropped);
  }
}
