package io.blindtuner.actors.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.actors.ActorFixtures;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.hospital.InProcessRefresher;
import java.time.Duration;
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
  void refreshesThroughTheKeyHoldersRefresherAndReportsFailures() {
    ActorRef<RefreshActor.Command> actor = KIT.spawn(RefreshActor.create("job", new InProcessRefresher(F.keys)));
    var refresher = RefreshActor.asRefresher("job", actor, KIT.system(), Duration.ofSeconds(30));
    Ciphertext low = F.keys.encrypt(new double[] {0.25, -1}, 0);
    List<Ciphertext> out = refresher.refresh(List.of(low, low), new int[] {3, 5}).toCompletableFuture().join();
    assertThat(out).extracting(Ciphertext::level).containsExactly(3, 5);
    assertThat(F.keys.decrypt(out.get(1))[1]).isCloseTo(-1, org.assertj.core.data.Offset.offset(1e-6));
    assertThatThrownBy(() -> refresher.refresh(List.of(low), new int[] {99}).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class).hasMessageContaining("refresh failed at the hospital");
    var foreign = RefreshActor.asRefresher("other", actor, KIT.system(), Duration.ofSeconds(30));
    assertThatThrownBy(() -> foreign.refresh(List.of(low), new int[] {1}).toCompletableFuture().join())
        .hasMessageContaining("serves job job");
  }
}
