package io.blindtuner.pipeline.kafka;

import io.blindtuner.config.KafkaSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * The cluster a service runs against, as {@code blindtuner.kafka} says: the external one named by
 * {@code bootstrap-servers}, or, when that is empty, an in-process broker started on {@code embedded-data-dir} and
 * stopped on {@link #close()}.
 */
public final class KafkaCluster implements AutoCloseable {
  private final Optional<EmbeddedKafka> embedded;
  private final KafkaConnection connection;

  private KafkaCluster(Optional<EmbeddedKafka> embedded, KafkaConnection connection) {
    this.embedded = embedded;
    this.connection = connection;
  }

  /**
   * Connects to the configured cluster, starting the in-process broker if none is configured.
   *
   * @throws IOException if the in-process broker cannot start (its data directory or ports)
   */
  public static KafkaCluster start(KafkaSettings settings) throws IOException {
    if (!settings.embedded()) {
      return new KafkaCluster(Optional.empty(), KafkaConnection.of(settings, settings.bootstrapServers()));
    }
    EmbeddedKafka broker = EmbeddedKafka.start(settings.embeddedDataDir());
    return new KafkaCluster(Optional.of(broker), KafkaConnection.of(settings, broker.bootstrapServers()));
  }

  /** How clients connect to it. */
  public KafkaConnection connection() {
    return connection;
  }

  /** The in-process broker, if this cluster is one (the tests restart it). */
  public Optional<EmbeddedKafka> embedded() {
    return embedded;
  }

  /**
   * Creates the missing topics of {@link Topic} and checks the existing ones ({@link Topics#ensure}).
   *
   * @throws IllegalStateException if an existing topic does not meet its declaration
   * @throws TimeoutException if the cluster did not answer in time
   * @throws ExecutionException if the cluster refused a request
   */
  public void ensureTopics(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = connection.admin()) {
      Topics.ensure(admin, Arrays.asList(Topic.values()), timeout);
    }
  }

  /** Stops the in-process broker if this cluster started one; an external cluster is left alone. */
  @Override
  public void close() {
    embedded.ifPresent(EmbeddedKafka::close);
  }
}
