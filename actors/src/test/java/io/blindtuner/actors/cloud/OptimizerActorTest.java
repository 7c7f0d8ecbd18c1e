package io.blindtuner.actors.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.actors.ActorFixtures;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.actors.TransientFault;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.StageKind;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class OptimizerActorTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final ActorFixtures F = new ActorFixtures();
  static final Duration WAIT = Duration.ofSeconds(30);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private Behavior<OptimizerActor.Command> optimizer(
      StateStore<OptimizerState> store, FaultInjector faults, AtomicInteger starts) {
    return OptimizerActor.create(
        "job",
        F.plan,
        F.keys(StageKind.OPTIMIZER, false),
        ActorFixtures.PARAMS,
        F.keys.encoder(),
        Parallelism.SERIAL,
        store,
        faults,
        starts);
  }

  @Test
  void duplicatesChangeNothingAndAnUpdateIsAppliedOnceWhole() {
    StateStore<OptimizerState> store = new StateStore<>(OptimizerState.initial(0, F.weights()));
    ActorRef<OptimizerActor.Command> opt =
        KIT.spawn(optimizer(store, FaultInjector.NONE, new AtomicInteger()));
    TestProbe<StageReply> probe = KIT.createTestProbe();
    opt.tell(new OptimizerActor.Accumulate("job", 0, 0, F.gradients(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, WAIT);
    OptimizerState afterOne = store.get();
    opt.tell(new OptimizerActor.Accumulate("job", 0, 0, F.gradients(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, WAIT);
    assertThat(store.get()).as("a duplicate changes nothing").isSameAs(afterOne);
    opt.tell(new OptimizerActor.Accumulate("job", 0, 1, F.gradients(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, WAIT);
    assertThat(store.get().accumulated()).containsExactlyInAnyOrder(0, 1);
    opt.tell(new OptimizerActor.Apply("job", 0, 2, 0.1, store.get().weights(), probe.getRef()));
    StageReply.Done applied = probe.expectMessageClass(StageReply.Done.class, WAIT);
    assertThat(store.get().version()).isEqualTo(1);
    assertThat(store.get().accumulated()).isEmpty();
    assertThat(applied.outputs().operands())
        .containsAll(Operand.PARAMETERS)
        .containsAll(Operand.VELOCITIES);
    // The update moved the weights: theta - lr * (g + mu v) with g = 0.01 in every slot.
    double q0 = F.keys.decrypt(F.weights().get(Operand.B2))[0];
    double q1 = F.keys.decrypt(applied.outputs().get(Operand.B2))[0];
    assertThat(q1 - q0).isCloseTo(-0.1 * (0.01 * 1.9), org.assertj.core.data.Offset.offset(1e-4));
    OptimizerState after = store.get();
    opt.tell(new OptimizerActor.Apply("job", 0, 2, 0.1, after.weights(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, WAIT);
    assertThat(store.get()).as("a repeated update is not applied twice").isSameAs(after);
    opt.tell(new OptimizerActor.Current("job", probe.getRef()));
    assertThat(probe.expectMessageClass(StageReply.Done.class, WAIT).step()).isEqualTo(1);
  }

  @Test
  void anUpdateBeforeEveryMicroBatchArrivedIsRefused() {
    StateStore<OptimizerState> store = new StateStore<>(OptimizerState.initial(0, F.weights()));
    ActorRef<OptimizerActor.Command> opt =
        KIT.spawn(optimizer(store, FaultInjector.NONE, new AtomicInteger()));
    TestProbe<StageReply> probe = KIT.createTestProbe();
    opt.tell(new OptimizerActor.Accumulate("job", 0, 0, F.gradients(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, WAIT);
    opt.tell(new OptimizerActor.Apply("job", 0, 2, 0.1, store.get().weights(), probe.getRef()));
    StageReply.Failed f = probe.expectMessageClass(StageReply.Failed.class, WAIT);
    assertThat(f.fatal()).isTrue();
    assertThat(f.reason()).contains("step 0 has 1 of 2 micro-batches accumulated");
    assertThat(store.get().version()).isZero();
  }

  @Test
  void aRestartKeepsTheKeysAndTheAccumulatedState() {
    StateStore<OptimizerState> store = new StateStore<>(OptimizerState.initial(0, F.weights()));
    AtomicInteger starts = new AtomicInteger();
    FaultInjector failFirstUpdate =
        (stage, step, mb, attempt) -> {
          if (mb == -1 && attempt == 1) {
            throw new TransientFault("injected");
          }
        };
    ActorRef<OptimizerActor.Command> opt =
        KIT.spawn(
            JobGuardian.supervised(
                optimizer(store, failFirstUpdate, starts), ActorFixtures.SETTINGS));
    TestProbe<StageReply> probe = KIT.createTestProbe();
    opt.tell(new OptimizerActor.Accumulate("job", 0, 0, F.gradients(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, WAIT);
    opt.tell(new OptimizerActor.Apply("job", 0, 1, 0.1, store.get().weights(), probe.getRef()));
    StageReply.Failed f = probe.expectMessageClass(StageReply.Failed.class, WAIT);
    assertThat(f.fatal()).isFalse();
    assertThat(store.get().accumulated()).as("kept across the failure").containsExactly(0);
    opt.tell(new OptimizerActor.Apply("job", 0, 1, 0.1, store.get().weights(), probe.getRef()));
    probe.expectMessageClass(StageReply.Done.class, WAIT);
    assertThat(starts.get()).as("restarted once").isEqualTo(2);
    assertThat(store.get().version()).isEqualTo(1);
  }
}
