package io.blindtuner.pipeline.hospital;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.hospital.EncryptedTrainingRun;
import io.blindtuner.model.plain.PlainTrainer;
import io.blindtuner.pipeline.stream.OverlappedScheduleTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Both sides as actor systems in one process: the same weights as the twin (bound:
 * OverlappedScheduleTest).
 */
class LocalScheduleTest {

  @Test
  void hospitalActorsAndTheCloudGraphTrainTheTwinsWeights() {
    List<Integer> steps = new CopyOnWriteArrayList<>();
    LocalSchedule local = new LocalSchedule(ConfigFactory.load(), FaultInjector.NONE);
    EncryptedTrainingRun.Result r = OverlappedScheduleTest.run(local, steps);
    HeadParameters twin =
        new PlainTrainer(OverlappedScheduleTest.CONFIG)
            .train(
                OverlappedScheduleTest.SHAPE,
                HeadFunctions.polynomial(2),
                OverlappedScheduleTest.DATA,
                s -> {});
    assertThat(steps).containsExactly(0, 1, 2, 3);
    assertThat(OverlappedScheduleTest.maxDiff(r.parameters(), twin))
        .isLessThan(OverlappedScheduleTest.bound(r));
    assertThat(local.cloud().gauge().alive()).isZero();
  }
}
