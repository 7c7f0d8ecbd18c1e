package io.blindtuner.model.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.EncryptedTrainingRunTest;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.model.hospital.RefreshGuard;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.model.plain.PlainHead;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Encrypted inference on the small INSECURE ring (N = 1024): the cloud's forward pass on encrypted
 * images gives, once the hospital decrypts, the plaintext head's logits within the stages' error
 * (2^-12, EncryptedStagesTest's bound for each stage, twice for the two stages) plus six flooding
 * deviations; and the hospital refreshes only for inference requests it sent, each once.
 */
class EncryptedPredictorTest {
  static final CkksParameters PARAMS =
      CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 40, 40, 40, 40, 40, 60).asInsecure());

  @Test
  void theHospitalReadsThePlaintextHeadsLogitsAndRefreshesOnlyItsOwnRequests() {
    HeadShape shape = new HeadShape(4, 8, 4, 2);
    int batch = PARAMS.slots() / (shape.tokens() * shape.dim());
    TokenSet data = EncryptedTrainingRunTest.separable(shape, 2 * batch, 21);
    TrainingConfig cfg = new TrainingConfig(1, batch, 0.1, 0.1, 0.9, 1e-3, 5);
    HospitalJob h = HospitalJob.create(PARAMS, shape, cfg, data, Parallelism.SERIAL);
    List<String> refusals = new ArrayList<>();
    RefreshGuard guard =
        h.guard(RefreshLedger.inMemory(h.agreement().budget()), (id, r) -> refusals.add(r));
    CkksEncoder encoder = new CkksEncoder(PARAMS);
    Map<StageKind, StageKeys> keys = h.stageKeys();
    Stages<Ciphertext> stages =
        Stages.all(
            h.plan().spec(),
            h.plan().gradientLevel(),
            k -> keys.get(k).ops(PARAMS, encoder, Parallelism.SERIAL));
    Values<Ciphertext> weights = Values.empty();
    for (Map.Entry<Operand, SeededCiphertext> e : h.initialWeights().entrySet()) {
      weights = weights.with(e.getKey(), e.getValue().ciphertext());
    }
    EncryptedPredictor predictor =
        new EncryptedPredictor(h.plan(), stages, guard, h.steps(), weights);

    int[] images = {3, 1, 4, 1, 5};
    List<SeededCiphertext> in = h.encryptForInference(data, images);
    guard.expectInference(0);
    Ciphertext logits = predictor.logits(0, in.get(0).ciphertext(), in.get(1).ciphertext());
    HospitalJob.Predictions p = h.predictions(logits, images.length);

    double[][] want =
        new PlainHead(HeadFunctions.polynomial(2)).logits(HeadParameters.initial(shape, 5), data);
    double worst = 0;
    for (int i = 0; i < images.length; i++) {
      for (int c = 0; c < shape.classes(); c++) {
        worst = Math.max(worst, Math.abs(p.logits()[i][c] - want[images[i]][c]));
      }
    }
    assertThat(worst).isLessThan(2 * 0x1p-12 + 6 * p.floodingSigma());
    assertThat(refusals).isEmpty();

    // a request the hospital did not send, and a second answer to one it did, are refused
    assertThatThrownBy(() -> predictor.logits(1, in.get(0).ciphertext(), in.get(1).ciphertext()))
        .isInstanceOf(RefreshRefusedException.class);
    assertThatThrownBy(() -> predictor.logits(0, in.get(0).ciphertext(), in.get(1).ciphertext()))
        .isInstanceOf(RefreshRefusedException.class);
    assertThat(refusals).hasSize(2);
    assertThat(refusals.get(0)).contains("no inference the hospital sent");
    assertThat(refusals.get(1)).contains("no inference the hospital sent");
  }
}
