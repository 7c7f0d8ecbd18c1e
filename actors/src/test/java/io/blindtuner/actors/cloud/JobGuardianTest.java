package io.blindtuner.actors.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.actors.ActorFixtures;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.actors.TransientFault;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.ParameterMismatchException;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.StageKeys;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.TrainingJob;
import io.blindtuner.model.cloud.Values;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class JobGuardianTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final ActorFixtures F = new ActorFixtures();
  static final Duration WAIT = Duration.ofSeconds(30);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private TrainingJob job() {
    Map<StageKind, StageKeys> keys = new EnumMap<>(StageKind.class);
    for (StageKind k : StageKind.values()) {
      keys.put(k, F.keys(k, false));
    }
    return new TrainingJob(
        "job",
        ActorFixtures.PARAMS,
        F.keys.encoder(),
        F.plan,
        keys,
        F.weights(),
        (s, m) -> {
          throw new IllegalArgumentException("no batches in this test");
        },
        (id, cts, levels) ->
            CompletableFuture.failedFuture(new IllegalStateException("no refresh in this test")),
        1,
        1,
        s -> 0.1,
        s -> {});
  }

  private static Values<Ciphertext> inputs() {
    Ciphertext x = F.zeros();
    return Values.of(Map.of(Operand.TOKENS, x, Operand.MEANS, x, Operand.Q, x));
  }

  @Test
  void restartsATransientFailureAndStopsTheJobOnAFatalOneNamingTheStage() {
    FaultInjector faults =
        (stage, step, mb, attempt) -> {
          if (stage.equals("attention") && step == 1 && attempt == 1) {
            throw new TransientFault("injected transient");
          }
          if (stage.equals("attention") && step == 2) {
            throw new ParameterMismatchException("injected: ciphertext of other parameters");
          }
        };
    ActorRef<JobGuardian.Command> guardian =
        KIT.spawn(
            JobGuardian.create(
                job(),
                ActorFixtures.SETTINGS,
                new StateStore<>(OptimizerState.initial(0, F.weights())),
                faults));
    TestProbe<JobGuardian.StageRefs> refsProbe = KIT.createTestProbe();
    guardian.tell(new JobGuardian.GetStages(refsProbe.getRef()));
    JobGuardian.StageRefs refs = refsProbe.receiveMessage();
    assertThat(refs.stages()).containsOnlyKeys(StageKind.ATTENTION, StageKind.MLP, StageKind.LOSS);
    TestProbe<JobGuardian.JobFailed> failures = KIT.createTestProbe();
    guardian.tell(new JobGuardian.WatchFailure(failures.getRef()));
    TestProbe<StageReply> probe = KIT.createTestProbe();
    ActorRef<StageActor.Command> att = refs.stages().get(StageKind.ATTENTION);

    att.tell(new StageActor.Run("job", 1, 0, Phase.ATTENTION_FORWARD, inputs(), probe.getRef()));
    assertThat(probe.expectMessageClass(StageReply.Failed.class, WAIT).fatal()).isFalse();
    // After the backoff the restarted actor (same keys) serves the retry.
    att.tell(new StageActor.Run("job", 1, 0, Phase.ATTENTION_FORWARD, inputs(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, WAIT);
    TestProbe<Map<StageKind, Integer>> starts = KIT.createTestProbe();
    guardian.tell(new JobGuardian.GetStarts(starts.getRef()));
    assertThat(starts.receiveMessage())
        .containsEntry(StageKind.ATTENTION, 2)
        .containsEntry(StageKind.MLP, 1);

    att.tell(new StageActor.Run("job", 2, 0, Phase.ATTENTION_FORWARD, inputs(), probe.getRef()));
    StageReply.Failed fatal = probe.expectMessageClass(StageReply.Failed.class, WAIT);
    assertThat(fatal.fatal()).isTrue();
    JobGuardian.JobFailed why = failures.receiveMessage(WAIT);
    assertThat(why.reason())
        .contains("stage 'attention' failed")
        .contains("ciphertext of other parameters");
    probe.expectTerminated(guardian, WAIT);
  }
}
