package io.blindtuner.pipeline.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * An in-process single-node Kafka broker in KRaft mode (broker and controller in one node) on
 * 127.0.0.1, with its log in a given directory: the default cluster of the demo and the tests. The
 * directory is formatted on first start; a later start on the same directory (this instance again,
 * or a new one) keeps the topics, the records and the committed offsets.
 *
 * <p>Ports are chosen by binding two server sockets to free ports and holding both open until just
 * before the broker binds them, so that neither can be taken by a parallel start in between. A
 * restart of the same instance reuses its ports, so clients keep their bootstrap servers across a
 * broker restart.
 *
 * <p>Its loggers ({@code kafka}, {@code org.apache.kafka}, {@code state.change.logger}) are verbose
 * at INFO; the logback fragment {@code io/blindtuner/pipeline/kafka/logback-kafka.xml} sets them to
 * WARN.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final int NODE_ID = 1;
  private static final String CONTROLLER = "CONTROLLER";

  private final Path dataDir;
  private int brokerPort;
  private int controllerPort;
  private KafkaRaftServer server;

  /**
   * @param dataDir the broker's log directory (created if missing); nothing else may use it
   */
  public EmbeddedKafka(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  /**
   * Starts a broker on a directory and returns it running.
   *
   * @throws IOException if the directory cannot be created or formatted, or no port can be bound
   */
  public static EmbeddedKafka start(Path dataDir) throws IOException {
    EmbeddedKafka kafka = new EmbeddedKafka(dataDir);
    kafka.start();
    return kafka;
  }

  /**
   * Starts the broker and returns once it accepts requests. The first start picks free ports; a
   * restart binds the same ones again.
   *
   * @throws IllegalStateException if it is already running
   * @throws IOException if the directory cannot be created or formatted, or a port cannot be bound
   *     (naming it)
   */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException(
          "the embedded Kafka broker in " + dataDir + " is already running");
    }
    Files.createDirectories(dataDir);
    try (ServerSocket broker = bind(brokerPort);
        ServerSocket controller = bind(controllerPort)) {
      brokerPort = broker.getLocalPort();
      controllerPort = controller.getLocalPort();
      Properties config = brokerConfig();
      if (!Files.exists(dataDir.resolve("meta.properties"))) {
        format();
      }
      server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
    }
    // Both sockets are closed here, right before the broker binds the same ports.
    try {
      server.startup();
    } catch (RuntimeException e) {
      KafkaRaftServer failed = server;
      server = null;
      failed.shutdown();
      failed.awaitShutdown();
      throw new IOException(
          "the embedded Kafka broker in " + dataDir + " failed to start: " + e.getMessage(), e);
    }
  }

  /**
   * {@code 127.0.0.1:port} of the broker's client listener. @throws IllegalStateException if never
   * started
   */
  public synchronized String bootstrapServers() {
    if (brokerPort == 0) {
      throw new IllegalStateException(
          "the embedded Kafka broker in " + dataDir + " was never started");
    }
    return "127.0.0.1:" + brokerPort;
  }

  /** The broker's log directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** Whether the broker is running. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Stops the broker (a no-op if it is not running); its data stays in the directory. */
  @Override
  public synchronized void close() {
    if (server != null) {
      KafkaRaftServer stopping = server;
      server = null;
      stopping.shutdown();
      stopping.awaitShutdown();
    }
  }

  private ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      return socket;
    } catch (IOException e) {
      socket.close();
      throw new IOException(
          "the embedded Kafka broker cannot bind 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  private void format() throws IOException {
    try {
      // The bootstrap snapshot carries the release's feature levels (group.version=1: the KIP-848
      // protocol).
      new Formatter()
          .setPrintStream(
              new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setControllerListenerName(CONTROLLER)
          .setHasDynamicQuorum(false)
          .setMetadataLogDirectory(dataDir.toString())
          .setWriteBootstrapSnapshot(true)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .addDirectory(dataDir.toString())
          .run();
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot format " + dataDir + " for the embedded Kafka broker: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IOException("cannot format " + dataDir + " for the embedded Kafka broker: " + e, e);
    }
  }

  private Properties brokerConfig() {
    Properties p = new Properties();
    p.setProperty("node.id", Integer.toString(NODE_ID));
    p.setProperty("process.roles", "broker,controller");
    // A static quorum: the voter's endpoint is read from this config, not stored in the log, so a
    // new instance
    // on the same directory may use other ports.
    p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.setProperty("controller.listener.names", CONTROLLER);
    p.setProperty(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + brokerPort
            + ","
            + CONTROLLER
            + "://127.0.0.1:"
            + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.setProperty(
        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", dataDir.toString());
    // One node: internal topics with one replica and few partitions (fast start, little memory).
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.num.partitions", "1");
    // Topics are created from Topic's declarations only.
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // A killed consumer's partitions move on after 10 s instead of 45 s (KIP-848 groups).
    p.setProperty("group.consumer.min.session.timeout.ms", "6000");
    p.setProperty("group.consumer.session.timeout.ms", "10000");
    p.setProperty("group.consumer.min.heartbeat.interval.ms", "1000");
    p.setProperty("group.consumer.heartbeat.interval.ms", "2000");
    // The cleaner of the compacted topics: 128 MiB of dedupe buffer by default, far more than a few
    // jobs need.
    p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20));
    // The OS's autotuned socket buffers instead of 100 KiB: megabyte records in a few reads and
    // writes each (as the clients, KafkaConnection).
    p.setProperty("socket.send.buffer.bytes", "-1");
    p.setProperty("socket.receive.buffer.bytes", "-1");
    return p;
  }
}
