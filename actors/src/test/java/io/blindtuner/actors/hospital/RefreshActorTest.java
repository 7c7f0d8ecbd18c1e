package io.blindtuner.actors.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.actors.ActorFixtures;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.hospital.RefreshAgreement;
import io.blindtuner.model.hospital.RefreshGuard;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.model.plan.TrainingPlan.RefreshInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RefreshActorTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final ActorFixtures F = new ActorFixtures();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void refreshesThroughTheKeyHoldersGuardAndPassesItsRefusalOn() {
    RefreshAgreement a = new RefreshAgreement(F.plan, 1, 1);
    List<String> reasons = new ArrayList<>();
    RefreshGuard guard =
        new RefreshGuard(F.keys, a, RefreshLedger.inMemory(a.budget()), (id, r) -> reasons.add(r));
    ActorRef<RefreshActor.Command> actor = KIT.spawn(RefreshActor.create("job", guard));
    var refresher = RefreshActor.asRefresher("job", actor, KIT.system(), Duration.ofSeconds(30));
    Phase p = Phase.ATTENTION_FORWARD;
    List<RefreshInput> plan = F.plan.refreshInputs(p);
    List<Ciphertext> in = new ArrayList<>();
    for (RefreshInput r : plan) {
      // the plan's arrival scale is the canonical one up to rescaling's rounding (a relative 1e-9
      // or so)
      Ciphertext c = F.keys.encrypt(new double[] {0.25, -1}, TrainingPlan.REQUEST_LEVEL);
      c.setScale(r.scale());
      in.add(c);
    }
    int[] levels = plan.stream().mapToInt(RefreshInput::toLevel).toArray();
    List<Ciphertext> out =
        refresher.refresh(new RefreshId(0, 0, p), in, levels).toCompletableFuture().join();
    assertThat(out)
        .extracting(Ciphertext::level)
        .containsExactly(plan.stream().map(RefreshInput::toLevel).toArray(Integer[]::new));
    assertThat(F.keys.decrypt(out.get(0))[1])
        .isCloseTo(-1, org.assertj.core.data.Offset.offset(1e-5));
    assertThatThrownBy(
            () ->
                refresher.refresh(new RefreshId(5, 0, p), in, levels).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("refresh failed at the hospital")
        .hasMessageContaining("the key holder refused the refresh (step 5");
    assertThat(reasons).singleElement().asString().contains("beyond the job's 1 steps");
    var foreign = RefreshActor.asRefresher("other", actor, KIT.system(), Duration.ofSeconds(30));
    assertThatThrownBy(
            () -> foreign.refresh(new RefreshId(0, 0, p), in, levels).toCompletableFuture().join())
        .hasMessageContaining("serves job job");
  }
}
