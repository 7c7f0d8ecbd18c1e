package io.blindtuner.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.model.hospital.EncryptedTrainingRun;
import io.blindtuner.pipeline.stream.OverlappedSchedule;
import io.blindtuner.pipeline.stream.OverlappedScheduleTest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ManagementServerTest {

  @Test
  void servesTheTrainingGraphsMetricsAndTheProbes() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicBoolean ready = new AtomicBoolean(false);
    HttpClient http = HttpClient.newHttpClient();
    try (ManagementServer server =
        ManagementServer.start("127.0.0.1", 0, registry, ready::get, () -> true)) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(get(http, base + "/ready").statusCode()).isEqualTo(503);
      assertThat(get(http, base + "/live").statusCode()).isEqualTo(200);
      ready.set(true);
      assertThat(get(http, base + "/ready").statusCode()).isEqualTo(200);

      OverlappedSchedule schedule =
          new OverlappedSchedule(ConfigFactory.load(), FaultInjector.NONE, registry);
      EncryptedTrainingRun.Result r = OverlappedScheduleTest.run(schedule, new ArrayList<>());
      String metrics = get(http, base + "/metrics").body();
      long steps = r.steps();
      long microBatches = steps * r.microBatches();
      assertThat(metrics)
          .contains(
              "blindtuner_stage_latency_seconds_count{pass=\"attention forward\",stage=\"attention\"} "
                  + microBatches);
      assertThat(metrics)
          .contains("blindtuner_he_operations_total{kind=\"rotation\",stage=\"attention\"}");
      assertThat(metrics)
          .contains(
              "blindtuner_refresh_round_trips_seconds_count{job=\"local\"} "
                  + r.refreshRoundTrips());
      assertThat(metrics).contains("blindtuner_ciphertexts_alive 0.0");
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
