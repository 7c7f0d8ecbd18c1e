package io.blindtuner.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  private static final byte[] KEY = "job-1".getBytes(StandardCharsets.US_ASCII);

  private static Envelope sample() {
    return new Envelope(Envelope.Kind.BATCH, "job-1", 12, 3, 456, new byte[] {1, 2, 3, 4, 5});
  }

  @Test
  void everyFieldRoundTripsAndTheKeyIsTheJobId() throws Exception {
    for (Envelope.Kind kind : Envelope.Kind.values()) {
      Envelope e = new Envelope(kind, "A.b_c-9", Long.MAX_VALUE, Integer.MAX_VALUE, 7, new byte[] {9, 8});
      Envelope d = Envelope.decode(kind.topic(), e.key(), e.encode());
      assertThat(d.kind()).isEqualTo(kind);
      assertThat(d.jobId()).isEqualTo("A.b_c-9");
      assertThat(d.step()).isEqualTo(Long.MAX_VALUE);
      assertThat(d.microBatch()).isEqualTo(Integer.MAX_VALUE);
      assertThat(d.sequence()).isEqualTo(7);
      assertThat(d.payload()).containsExactly(9, 8);
    }
    Envelope e = sample();
    assertThat(e.key()).isEqualTo(KEY);
    assertThat(e.encode()).hasSize(Envelope.FIXED_BYTES + 5 + 5);
  }

  private static String reason(Topic topic, byte[] key, byte[] value) {
    try {
      Envelope.decode(topic, key, value);
    } catch (MalformedRecordException e) {
      return e.reason();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void malformedRecordsAreRefusedWithTheirReason() {
    byte[] good = sample().encode();
    assertThat(reason(Topic.BATCHES, KEY, null)).isEqualTo("no value");
    assertThat(reason(Topic.BATCHES, KEY, new byte[3])).isEqualTo("truncated: 3 bytes, a header needs at least 29");
    byte[] magic = good.clone();
    magic[1] = 0;
    assertThat(reason(Topic.BATCHES, KEY, magic)).isEqualTo("not a blindtuner record (bad magic)");
    byte[] version = good.clone();
    version[2] = 2;
    assertThat(reason(Topic.BATCHES, KEY, version)).isEqualTo("unsupported format version 2 (this build reads 1)");
    byte[] kind = good.clone();
    kind[3] = 99;
    assertThat(reason(Topic.BATCHES, KEY, kind)).isEqualTo("unknown kind 99");
    assertThat(reason(Topic.REFRESH_REQUESTS, KEY, good))
        .isEqualTo("a BATCH record belongs on blindtuner.batches, read from blindtuner.refresh.requests");
    byte[] idLength = good.clone();
    idLength[4] = (byte) 200;
    assertThat(reason(Topic.BATCHES, KEY, idLength)).startsWith("bad job id length 200");
    byte[] idChars = good.clone();
    idChars[5] = ' ';
    assertThat(reason(Topic.BATCHES, KEY, idChars)).isEqualTo("job id has characters outside A-Z a-z 0-9 . _ -");
    assertThat(reason(Topic.BATCHES, "job-2".getBytes(StandardCharsets.US_ASCII), good))
        .isEqualTo("key does not match the job id 'job-1'");
    assertThat(reason(Topic.BATCHES, null, good)).isEqualTo("key does not match the job id 'job-1'");
    byte[] negative = good.clone();
    ByteBuffer.wrap(negative).putInt(5 + 5 + 8, -1);
    assertThat(reason(Topic.BATCHES, KEY, negative)).isEqualTo("negative step, micro-batch or sequence (12, -1, 456)");
    assertThat(reason(Topic.BATCHES, KEY, Arrays.copyOf(good, good.length - 1)))
        .isEqualTo("payload length 5 but 4 bytes follow the header");
    assertThat(reason(Topic.BATCHES, KEY, Arrays.copyOf(good, good.length + 1)))
        .isEqualTo("payload length 5 but 6 bytes follow the header");
    byte[] huge = good.clone();
    ByteBuffer.wrap(huge).putInt(good.length - 5 - 4, Integer.MAX_VALUE);
    assertThat(reason(Topic.BATCHES, KEY, huge)).isEqualTo("payload length 2147483647 but 5 bytes follow the header");
    assertThat(reason(Topic.JOBS, KEY, new byte[Topic.JOBS.maxRecordBytes() + 1]))
        .isEqualTo("oversized: " + (Topic.JOBS.maxRecordBytes() + 1) + " bytes, topic blindtuner.jobs allows "
            + Topic.JOBS.maxRecordBytes());
  }

  @Test
  void anEnvelopeThatCannotBeSentIsRefusedWhenBuilt() {
    assertThatThrownBy(() -> new Envelope(Envelope.Kind.JOB, "job 1", 0, 0, 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job id");
    assertThatThrownBy(() -> new Envelope(Envelope.Kind.JOB, "j".repeat(129), 0, 0, 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job id");
    assertThatThrownBy(() -> new Envelope(Envelope.Kind.JOB, "job-1", -1, 0, 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
    int fits = Topic.JOBS.maxRecordBytes() - Envelope.FIXED_BYTES - 2 * 5;
    assertThat(new Envelope(Envelope.Kind.JOB, "job-1", 0, 0, 0, new byte[fits]).encode().length + 5)
        .isEqualTo(Topic.JOBS.maxRecordBytes());
    assertThatThrownBy(() -> new Envelope(Envelope.Kind.JOB, "job-1", 0, 0, 0, new byte[fits + 1]))
        .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("blindtuner.jobs");
  }
}
