package io.blindtuner.pipeline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the topics {@link Topic} declares and checks those that exist: at least the declared
 * partitions, the declared record limit or more, the declared cleanup policy. A topic created by
 * someone else with too few partitions or too small a limit would lose parallelism or refuse
 * ciphertexts mid-job, so it is refused before any work, naming the topic, the config and both
 * values.
 */
public final class Topics {
  private static final int MAX_REPLICATION = 3;

  private Topics() {}

  /**
   * Creates the missing topics (replicated on up to three brokers) with their declared configs and
   * partitions, and checks the others.
   *
   * @param admin a client of the cluster
   * @param topics the topics the caller uses
   * @param timeout how long to wait for the cluster
   * @throws IllegalStateException listing every existing topic that does not meet its declaration
   * @throws TimeoutException if the cluster did not answer in time
   * @throws ExecutionException if the cluster refused a request (the cause says why)
   */
  public static void ensure(Admin admin, Collection<Topic> topics, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long ms = timeout.toMillis();
    Set<String> existing = admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS);
    int brokers = admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS).size();
    short replication = (short) Math.max(1, Math.min(MAX_REPLICATION, brokers));
    List<NewTopic> missing = new ArrayList<>();
    for (Topic t : topics) {
      if (!existing.contains(t.topicName())) {
        missing.add(new NewTopic(t.topicName(), t.partitions(), replication).configs(t.configs()));
      }
    }
    if (!missing.isEmpty()) {
      try {
        admin.createTopics(missing).all().get(ms, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // Another service created some of them at the same time: they are checked below like the
        // others.
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
    check(admin, topics, ms);
  }

  private static void check(Admin admin, Collection<Topic> topics, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<String> names = topics.stream().map(Topic::topicName).toList();
    Map<String, TopicDescription> descriptions = describe(admin, names, ms);
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(resources).all().get(ms, TimeUnit.MILLISECONDS);
    List<String> problems = new ArrayList<>();
    for (Topic t : topics) {
      int partitions = descriptions.get(t.topicName()).partitions().size();
      if (partitions < t.partitions()) {
        problems.add(
            t.topicName() + " has " + partitions + " partitions, needs at least " + t.partitions());
      }
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.topicName()));
      ConfigEntry limit = config.get("max.message.bytes");
      if (limit == null || Long.parseLong(limit.value()) < t.maxMessageBytes()) {
        problems.add(
            t.topicName()
                + " has max.message.bytes="
                + (limit == null ? "unknown" : limit.value())
                + ", needs at least "
                + t.maxMessageBytes());
      }
      ConfigEntry policy = config.get("cleanup.policy");
      String wanted = t.configs().get("cleanup.policy");
      if (policy == null || !policy.value().equals(wanted)) {
        problems.add(
            t.topicName()
                + " has cleanup.policy="
                + (policy == null ? "unknown" : policy.value())
                + ", needs "
                + wanted);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Kafka topics do not meet their declarations (io.blindtuner.pipeline.kafka"
              + ".Topic); fix or delete them: "
              + String.join("; ", problems));
    }
  }

  /**
   * Describes topics, waiting for just-created ones to reach the broker's metadata (it lags the
   * controller).
   */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> names, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (true) {
      try {
        return admin.describeTopics(names).allTopicNames().get(ms, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
