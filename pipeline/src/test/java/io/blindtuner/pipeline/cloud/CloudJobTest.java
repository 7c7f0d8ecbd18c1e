package io.blindtuner.pipeline.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.cloud.Checkpointer;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.model.plain.PlainTrainer;
import io.blindtuner.pipeline.hospital.EdgeJob;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.stream.OverlappedSchedule;
import io.blindtuner.pipeline.stream.OverlappedScheduleTest;
import io.blindtuner.pipeline.wire.CipherMessage;
import io.blindtuner.pipeline.wire.JobSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edge and the cloud meeting only through record bytes (what Kafka carries), on
 * OverlappedScheduleTest's small INSECURE ring and data: the encrypted model equals the twin within
 * its bound, and a job resumed from a checkpoint on the same records ends with exactly the weights
 * of the uninterrupted run.
 */
class CloudJobTest {
  static final int LIMIT = Topic.CIPHERTEXT_RECORD_BYTES;

  /** The cloud's side of one run over the edge's records. */
  static Values<Ciphertext> run(
      EdgeJob edge,
      CloudJob cloud,
      Map<Long, byte[]> records,
      int firstStep,
      Values<Ciphertext> weights,
      Checkpointer checkpoints) {
    RecordBatchFeed feed = new RecordBatchFeed(cloud.spec().microBatchesPerStep());
    AtomicReference<RemoteRefresher> self = new AtomicReference<>();
    RemoteRefresher refresher =
        new RemoteRefresher(
            cloud,
            request -> edge.answer(request).thenAccept(reply -> self.get().onReply(reply)),
            Duration.ofMinutes(1));
    self.set(refresher);
    int mbs = cloud.spec().microBatchesPerStep();
    CompletableFuture<Void> consumer =
        CompletableFuture.runAsync(
            () -> {
              for (int s = firstStep; s < cloud.spec().steps(); s++) {
                for (int m = 0; m < mbs; m++) {
                  byte[] r =
                      records.computeIfAbsent(
                          (long) s * mbs + m, k -> edge.batch((int) (k / mbs), (int) (k % mbs)));
                  feed.offer(cloud.batch(r)).toCompletableFuture().join();
                }
              }
            });
    TrainingSchedule.Result r =
        new OverlappedSchedule(ConfigFactory.load(), FaultInjector.NONE)
            .run(cloud.job(feed, refresher, firstStep, weights, s -> {}, checkpoints));
    consumer.join();
    assertThat(refresher.inFlight()).isZero();
    return r.weights();
  }

  static Stream<CkksSpec> layouts() {
    return Stream.of(OverlappedScheduleTest.SPEC, OverlappedScheduleTest.HYBRID_SPEC);
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void
      theEdgeAndTheCloudMeetOnlyThroughRecordsAndAResumedJobEndsExactlyWhereTheUninterruptedOneDoes(
          CkksSpec ckks) {
    List<String> refusals = new ArrayList<>();
    EdgeJob edge =
        EdgeJob.create(
            "wire-1",
            ckks,
            OverlappedScheduleTest.SHAPE,
            OverlappedScheduleTest.CONFIG,
            OverlappedScheduleTest.DATA,
            RefreshLedger::inMemory,
            (id, why) -> refusals.add(id + ": " + why),
            LIMIT,
            Parallelism.SERIAL);
    JobSpec announced = JobSpec.parse(edge.spec().toBytes());
    CloudJob cloud = CloudJob.create(announced, edge.bundle(), LIMIT);
    Map<Long, byte[]> records = new ConcurrentHashMap<>();
    Map<Integer, byte[]> checkpoints = new ConcurrentHashMap<>();
    Values<Ciphertext> full =
        run(
            edge,
            cloud,
            records,
            0,
            cloud.initialWeights(),
            (next, w) -> {
              checkpoints.put(next, cloud.weightsRecord(CipherMessage.Kind.WEIGHTS, next, w));
              return CompletableFuture.completedFuture(null);
            });
    HospitalJob.Opened model =
        edge.open(cloud.weightsRecord(CipherMessage.Kind.MODEL, announced.steps(), full));
    HeadParameters twin =
        new PlainTrainer(OverlappedScheduleTest.CONFIG)
            .train(
                OverlappedScheduleTest.SHAPE,
                HeadFunctions.polynomial(2),
                OverlappedScheduleTest.DATA,
                s -> {});
    assertThat(OverlappedScheduleTest.maxDiff(model.parameters(), twin))
        .isLessThan(OverlappedScheduleTest.BOUND + 6 * model.floodingSigma());
    assertThat(refusals).isEmpty();
    assertThat(checkpoints.keySet()).containsExactlyInAnyOrder(1, 2, 3, 4);

    // the trainer "crashed" after the checkpoint of version 2: resume from it on the same records
    Values<Ciphertext> resumed =
        run(
            edge,
            cloud,
            records,
            2,
            cloud.weights(checkpoints.get(2), CipherMessage.Kind.WEIGHTS, 2),
            Checkpointer.NONE);
    for (Operand op : CipherMessage.WEIGHT_ORDER) {
      for (int k = 0; k < 2; k++) {
        assertThat(resumed.get(op).poly(k).limb(0))
            .as(op + " c" + k)
            .isEqualTo(full.get(op).poly(k).limb(0));
      }
    }
    assertThat(refusals)
        .as("the replayed refreshes were byte-identical, so answered again")
        .isEmpty();
  }

  @Test
  void recordsOfAnotherKindJobOrShapeAreRefusedSayingWhy() {
    EdgeJob edge =
        EdgeJob.create(
            "wire-2",
            OverlappedScheduleTest.HYBRID_SPEC,
            OverlappedScheduleTest.SHAPE,
            OverlappedScheduleTest.CONFIG,
            OverlappedScheduleTest.DATA,
            RefreshLedger::inMemory,
            (id, why) -> {},
            LIMIT,
            Parallelism.SERIAL);
    CloudJob cloud = CloudJob.create(edge.spec(), edge.bundle(), LIMIT);
    byte[] batch = edge.batch(0, 0);
    assertThat(cloud.batch(batch).microBatch()).isZero();
    assertThatThrownBy(() -> cloud.refreshReply(batch))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("not a refresh reply");
    assertThatThrownBy(() -> edge.answer(batch))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("not a refresh request");
    byte[] cut = Arrays.copyOf(batch, batch.length / 2);
    assertThatThrownBy(() -> cloud.batch(cut)).isInstanceOf(MalformedRecordException.class);
    JobSpec wrongBatches =
        new JobSpec(
            "wire-2",
            edge.spec().ckks(),
            edge.spec().shape(),
            edge.spec().config(),
            3,
            edge.spec().steps());
    assertThatThrownBy(() -> CloudJob.create(wrongBatches, edge.bundle(), LIMIT))
        .hasMessageContaining("announces 3 micro-batches per step but its batch size makes 2");
  }
}
