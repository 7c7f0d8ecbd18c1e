package io.blindtuner.actors.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.actors.ActorFixtures;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.Values;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class StageActorTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final ActorFixtures F = new ActorFixtures();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private ActorRef<StageActor.Command> spawn(StageKind k, boolean dropLastStep) {
    return KIT.spawn(
        StageActor.create(
            "job",
            F.plan,
            F.keys(k, dropLastStep),
            ActorFixtures.PARAMS,
            F.keys.encoder(),
            Parallelism.SERIAL,
            FaultInjector.NONE,
            new AtomicInteger()));
  }

  private Values<Ciphertext> attentionInputs() {
    Ciphertext x = F.zeros();
    return Values.of(Map.of(Operand.TOKENS, x, Operand.MEANS, x, Operand.Q, x));
  }

  @Test
  void runsItsPhaseWithItsKeysAndReportsTheWork() {
    TestProbe<StageReply> probe = KIT.createTestProbe();
    spawn(StageKind.ATTENTION, false)
        .tell(
            new StageActor.Run(
                "job", 3, 1, Phase.ATTENTION_FORWARD, attentionInputs(), probe.getRef()));
    StageReply.Done d =
        probe.expectMessageClass(StageReply.Done.class, java.time.Duration.ofSeconds(30));
    assertThat(d.step()).isEqualTo(3);
    assertThat(d.microBatch()).isEqualTo(1);
    assertThat(d.outputs().operands()).containsExactlyInAnyOrder(Operand.Z, Operand.SCORES);
    assertThat(d.rotations()).isEqualTo(F.plan.phase(Phase.ATTENTION_FORWARD).rotations());
    assertThat(d.products()).isEqualTo(F.plan.phase(Phase.ATTENTION_FORWARD).products());
  }

  @Test
  void misroutedCommandsAreRefusedAndTheStageGoesOn() {
    TestProbe<StageReply> probe = KIT.createTestProbe();
    ActorRef<StageActor.Command> mlp = spawn(StageKind.MLP, false);
    mlp.tell(
        new StageActor.Run(
            "job", 0, 0, Phase.ATTENTION_FORWARD, attentionInputs(), probe.getRef()));
    StageReply.Failed f = probe.expectMessageClass(StageReply.Failed.class);
    assertThat(f.fatal()).isTrue();
    assertThat(f.reason()).contains("stage 'mlp' got the phase attention forward");
    ActorRef<StageActor.Command> att = spawn(StageKind.ATTENTION, false);
    att.tell(
        new StageActor.Run(
            "other", 0, 0, Phase.ATTENTION_FORWARD, attentionInputs(), probe.getRef()));
    assertThat(probe.expectMessageClass(StageReply.Failed.class).reason())
        .contains("got a command of job other");
    att.tell(
        new StageActor.Run(
            "job", 0, 0, Phase.ATTENTION_FORWARD, attentionInputs(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, java.time.Duration.ofSeconds(30));
  }

  @Test
  void aStageGivenTooFewKeysFailsNamingTheStageAndTheStep() {
    TestProbe<StageReply> probe = KIT.createTestProbe();
    int[] steps = F.plan.stage(StageKind.ATTENTION).rotationSteps();
    ActorRef<StageActor.Command> att = spawn(StageKind.ATTENTION, true);
    Values<Ciphertext> in = attentionInputs();
    Ciphertext x = F.zeros();
    att.tell(new StageActor.Run("job", 0, 0, Phase.ATTENTION_FORWARD, in, probe.getRef()));
    StageReply r = probe.receiveMessage(java.time.Duration.ofSeconds(30));
    if (r instanceof StageReply.Done) {
      // The dropped step is one the backward pass uses.
      att.tell(
          new StageActor.Run(
              "job",
              0,
              0,
              Phase.ATTENTION_BACKWARD,
              Values.of(Map.of(Operand.DZ, x, Operand.TOKENS, x, Operand.SCORES, x)),
              probe.getRef()));
      r = probe.receiveMessage(java.time.Duration.ofSeconds(30));
    }
    assertThat(r)
        .isInstanceOfSatisfying(
            StageReply.Failed.class,
            f -> {
              assertThat(f.fatal()).isTrue();
              assertThat(f.reason())
                  .contains(
                      "stage 'attention' has no Galois key for step " + steps[steps.length - 1]);
            });
  }
}
