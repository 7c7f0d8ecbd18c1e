package io.blindtuner.model.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.model.hospital.InProcessRefresher;
import io.blindtuner.model.hospital.KeyHolder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small INSECURE ring (N = 64) for speed. */
class MeteredRefresherTest {

  @Test
  void refreshesToTheRequestedLevelsKeepingTheSlotsAndCountsTheTraffic() {
    CkksParameters params = CkksParameters.create(CkksSpec.of(64, 60, 40, 40, 60).asInsecure());
    KeyHolder keys = new KeyHolder(params, new int[0]);
    MeteredRefresher r = new MeteredRefresher(new InProcessRefresher(keys), InProcessRefresher.SEEDED_REPLIES);
    Ciphertext low = keys.encrypt(new double[] {1.5, -2}, 0);
    List<Ciphertext> out = r.refresh(List.of(low, low), new int[] {2, 1}).toCompletableFuture().join();
    assertThat(out.get(0).level()).isEqualTo(2);
    assertThat(out.get(1).level()).isEqualTo(1);
    double[] v = keys.decrypt(out.get(0));
    assertThat(v[0]).isCloseTo(1.5, offset(1e-6));
    assertThat(v[1]).isCloseTo(-2, offset(1e-6));
    assertThat(r.roundTrips()).isEqualTo(1);
    assertThat(r.ciphertexts()).isEqualTo(2);
    assertThat(r.bytesToHospital()).isEqualTo(2 * 8L * 2 * 1 * 64);
    assertThat(r.bytesToCloud()).isEqualTo(8L * 64 * (3 + 2) + 2 * MeteredRefresher.SEED_BYTES);
    assertThat(r.refresh(List.of(), new int[0]).toCompletableFuture().join()).isEmpty();
    assertThat(r.roundTrips()).isEqualTo(1);
  }

  @Test
  void rejectsAMissingLevelAndALevelAboveTheTop() {
    CkksParameters params = CkksParameters.create(CkksSpec.of(64, 60, 40, 60).asInsecure());
    KeyHolder keys = new KeyHolder(params, new int[0]);
    InProcessRefresher r = new InProcessRefresher(keys);
    Ciphertext c = keys.encrypt(new double[] {1});
    assertThatThrownBy(() -> r.refreshNow(List.of(c), new int[0])).hasMessageContaining("1 ciphertexts but 0 levels");
    assertThat(r.refresh(List.of(c), new int[] {5})).isCompletedExceptionally();
    assertThatThrownBy(() -> r.refreshNow(List.of(c), new int[] {5})).hasMessageContaining("levels are 0..1");
  }
}
