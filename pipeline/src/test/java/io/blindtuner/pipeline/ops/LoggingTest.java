package io.blindtuner.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The services' logging configuration: readable lines by default, one JSON object per line on
 * request.
 */
class LoggingTest {

  @AfterEach
  void restore() throws Exception {
    System.clearProperty("blindtuner.log.format");
    configure();
  }

  @Test
  void jsonOnRequestTextByDefaultKafkaQuiet() throws Exception {
    System.setProperty("blindtuner.log.format", "json");
    LoggerContext ctx = configure();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ConsoleAppender<?> json = (ConsoleAppender<?>) root.getAppender("out");
    assertThat(json.getEncoder()).isInstanceOf(JsonEncoder.class);
    assertQuiet(ctx);
    @SuppressWarnings("unchecked")
    Encoder<Object> enc = (Encoder<Object>) (Encoder<?>) json.getEncoder();
    LoggingEvent e =
        new LoggingEvent(
            "x",
            ctx.getLogger("io.blindtuner.test"),
            ch.qos.logback.classic.Level.WARN,
            "job {}: refused refresh {}",
            null,
            new Object[] {"j1", "step 3"});
    String line = new String(enc.encode(e), StandardCharsets.UTF_8);
    assertThat(line.trim())
        .startsWith("{")
        .endsWith("}")
        .contains("\"formattedMessage\":\"job j1: refused refresh step 3\"")
        .contains("\"level\":\"WARN\"");
    assertThat(ctx.getLogger("org.apache.kafka").getEffectiveLevel().toString()).isEqualTo("WARN");

    System.clearProperty("blindtuner.log.format");
    LoggerContext textCtx = configure();
    ConsoleAppender<?> text =
        (ConsoleAppender<?>)
            textCtx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("out");
    assertThat(text.getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
    assertQuiet(textCtx);
  }

  /**
   * Logback prints its whole configuration status to stdout at start when any of it is a warning or
   * an error.
   */
  private static void assertQuiet(LoggerContext ctx) {
    assertThat(new StatusUtil(ctx).getHighestLevel(0))
        .as(ctx.getStatusManager().getCopyOfStatusList().toString())
        .isLessThan(Status.WARN);
  }

  private static LoggerContext configure() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    ctx.getStatusManager().clear();
    JoranConfigurator c = new JoranConfigurator();
    c.setContext(ctx);
    c.doConfigure(LoggingTest.class.getResource("/logback.xml"));
    return ctx;
  }
}
