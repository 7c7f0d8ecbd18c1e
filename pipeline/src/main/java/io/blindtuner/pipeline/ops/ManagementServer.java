package io.blindtuner.pipeline.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * A service's management endpoints, on their own port: {@code /metrics} (Prometheus text format),
 * {@code /ready} (200 once the service can take work, 503 before and while draining; Kubernetes'
 * readiness probe) and {@code /live} (200 while the process is not wedged; the liveness probe). One
 * small thread of its own, so a busy HE dispatcher never delays a probe.
 */
public final class ManagementServer implements AutoCloseable {
  /** Prometheus scrape path. */
  public static final String METRICS = "/metrics";

  /** Readiness probe path: 200 once the service can take work. */
  public static final String READY = "/ready";

  /** Liveness probe path: 200 while the service is not wedged. */
  public static final String LIVE = "/live";

  private final HttpServer server;
  private final ExecutorService thread;

  private ManagementServer(HttpServer server, ExecutorService thread) {
    this.server = server;
    this.thread = thread;
  }

  /**
   * Starts serving.
   *
   * @param port the port (0: any free one)
   * @param ready whether the service takes work now
   * @param live whether it is alive (e.g. its actor system is not terminated)
   * @throws UncheckedIOException naming the port if it cannot be bound
   */
  public static ManagementServer start(
      String host,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      BooleanSupplier live) {
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve management endpoints on " + host + ":" + port, e);
    }
    s.createContext(
        METRICS,
        ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    s.createContext(READY, ex -> status(ex, ready.getAsBoolean(), "ready", "not ready"));
    s.createContext(LIVE, ex -> status(ex, live.getAsBoolean(), "live", "not live"));
    ExecutorService t =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread th = new Thread(r, "blindtuner-management");
              th.setDaemon(true);
              return th;
            });
    s.setExecutor(t);
    s.start();
    return new ManagementServer(s, t);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void status(HttpExchange ex, boolean ok, String yes, String no)
      throws IOException {
    reply(ex, ok ? 200 : 503, "text/plain; charset=utf-8", (ok ? yes : no) + "\n");
  }

  private static void reply(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    thread.shutdown();
  }
}
