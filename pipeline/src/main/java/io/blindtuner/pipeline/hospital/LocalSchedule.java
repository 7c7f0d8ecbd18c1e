package io.blindtuner.pipeline.hospital;

import com.typesafe.config.Config;
import io.blindtuner.actors.ActorSystems;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.actors.hospital.EncryptionActor;
import io.blindtuner.actors.hospital.RefreshActor;
import io.blindtuner.config.ActorSettings;
import io.blindtuner.model.cloud.TrainingJob;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.pipeline.stream.OverlappedSchedule;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Both sides in one process, as two actor systems that meet only through messages: the hospital's
 * (its {@link EncryptionActor} and {@link RefreshActor}, holding the data and the key behind the
 * job's feed and refresher) and the cloud's ({@link OverlappedSchedule}, which reaches the hospital
 * only through asks to those actors). What {@code ./blindtuner train --encrypted} runs by default.
 */
public final class LocalSchedule implements TrainingSchedule {
  private final Config config;
  private final OverlappedSchedule cloud;

  /**
   * @throws io.blindtuner.config.SettingsException naming the key at fault
   */
  public LocalSchedule(Config config, FaultInjector faults) {
    this.config = config;
    this.cloud = new OverlappedSchedule(config, faults);
  }

  /** The cloud side's schedule (its gauge, its in-flight bound). */
  public OverlappedSchedule cloud() {
    return cloud;
  }

  @Override
  public Result run(TrainingJob job) {
    ActorSettings s = ActorSettings.from(config);
    ActorSystem<Void> hospital =
        ActorSystem.create(Behaviors.empty(), "blindtuner-hospital", config);
    try {
      DispatcherSelector he = DispatcherSelector.fromConfig(s.heDispatcher());
      ActorRef<EncryptionActor.Command> encryption =
          hospital.systemActorOf(EncryptionActor.create(job.id(), job.batches()), "encryption", he);
      ActorRef<RefreshActor.Command> refresh =
          hospital.systemActorOf(RefreshActor.create(job.id(), job.refresher()), "refresh", he);
      return cloud.run(
          job.withHospital(
              EncryptionActor.asFeed(job.id(), encryption, hospital, s.askTimeout()),
              RefreshActor.asRefresher(job.id(), refresh, hospital, s.askTimeout())));
    } finally {
      ActorSystems.terminate(hospital, s.askTimeout());
    }
  }
}
