package io.blindtuner.model.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.model.hospital.RefreshAgreement;
import io.blindtuner.model.hospital.RefreshFixture;
import io.blindtuner.model.hospital.RefreshGuard;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteredRefresherTest {

  @Test
  void countsRoundTripsCiphertextsAndBytesEachWay() {
    RefreshFixture f = new RefreshFixture();
    Phase p = Phase.MLP_FORWARD;
    WireCodec codec = WireCodec.of(RefreshFixture.PARAMS);
    MeteredRefresher r =
        new MeteredRefresher(
            f.guard(new RefreshAgreement(f.plan, 1, 1), new ArrayList<>()),
            codec,
            RefreshGuard.SEEDED_REPLIES);
    List<Ciphertext> in = f.planned(p, 0.5);
    List<Ciphertext> out =
        r.refresh(new RefreshId(0, 0, p), in, f.toLevels(p)).toCompletableFuture().join();
    // the requests in full, the replies seeded (WireCodecTest: these are the wire's sizes)
    long up = 0;
    long down = 0;
    for (int i = 0; i < in.size(); i++) {
      up += codec.residueBytes(in.get(i));
      down += codec.seededBytes(out.get(i));
    }
    assertThat(up)
        .isEqualTo(
            in.size() * 2 * 8L * RefreshFixture.PARAMS.n()); // at level 0, SEAL's 8 a residue
    assertThat(r.roundTrips()).isEqualTo(1);
    assertThat(r.ciphertexts()).isEqualTo(in.size());
    assertThat(r.bytesToHospital()).isEqualTo(up);
    assertThat(r.bytesToCloud()).isEqualTo(down);
    assertThat(
            r.refresh(new RefreshId(0, 0, Phase.ATTENTION_BACKWARD), List.of(), new int[0])
                .toCompletableFuture()
                .join())
        .isEmpty();
    assertThat(r.roundTrips()).isEqualTo(1);
  }
}
