package io.blindtuner.vision.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.vision.MalformedFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @TempDir Path dir;

  private Path raw(String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path f = dir.resolve("t.safetensors");
    Files.write(f, b.array());
    return f;
  }

  @Test
  void roundTripsF32F16Bf16AndMetadata() throws IOException {
    float[] v = {0f, 1f, -2.5f, 0.1f, 65504f, 1e-6f, -3.14159f, 1e-8f};
    for (DType t : new DType[] {DType.F32, DType.F16, DType.BF16}) {
      Path f = dir.resolve(t + ".safetensors");
      new SafetensorsWriter()
          .metadata("format", "pt")
          .add("a", v, 2, 4)
          .add("b", new float[] {7f}, 1)
          .write(f, t);
      try (SafetensorsFile s = SafetensorsFile.open(f)) {
        assertThat(s.metadata()).containsEntry("format", "pt");
        assertThat(s.tensors()).containsOnlyKeys("a", "b");
        assertThat(s.tensors().get("a").shape()).containsExactly(2, 4);
        assertThat(s.tensors().get("a").dtype()).isEqualTo(t);
        float[] got = s.readFloats("a");
        for (int i = 0; i < v.length; i++) {
          float want =
              switch (t) {
                case F32 -> v[i];
                case F16 -> Half.toFloat(Half.fromFloat(v[i]));
                default -> Float.intBitsToFloat(SafetensorsWriter.bf16(v[i]) << 16);
              };
          assertThat(got[i]).isEqualTo(want);
        }
        assertThat(s.readFloats("b")).containsExactly(7f);
      }
    }
  }

  @Test
  void halfConversionMatchesKnownBitPatterns() {
    assertThat(Half.toFloat((short) 0x3c00)).isEqualTo(1f);
    assertThat(Half.toFloat((short) 0xc000)).isEqualTo(-2f);
    assertThat(Half.toFloat((short) 0x7bff)).isEqualTo(65504f);
    assertThat(Half.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(Half.toFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(Half.fromFloat(1f)).isEqualTo((short) 0x3c00);
    assertThat(Half.fromFloat(0.1f)).isEqualTo((short) 0x2e66);
    assertThat(Half.fromFloat(1e-7f)).isEqualTo((short) 0x0002);
    // every half survives the round trip through float
    for (int h = 0; h < 0x7c00; h++) {
      assertThat(Half.fromFloat(Half.toFloat((short) h))).isEqualTo((short) h);
    }
  }

  @Test
  void refusesMalformedHeaders() throws IOException {
    String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    try (SafetensorsFile s = SafetensorsFile.open(raw(ok, 8))) {
      assertThat(s.tensors()).containsOnlyKeys("a");
    }
    String[][] cases = {
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", "not valid JSON"},
      {"{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", "unknown dtype Q4"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "needs 12"},
      {
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
        "lie outside the 8 data bytes"
      },
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "bad dimension -2"},
      {
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}",
        "overlap"
      },
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", "dtype, shape and data_offsets"},
      {"[1,2]", "does not start with '{'"},
    };
    for (String[] c : cases) {
      Path f = raw(c[0], 8);
      assertThatThrownBy(() -> SafetensorsFile.open(f).close())
          .as(c[0])
          .isInstanceOf(MalformedFileException.class)
          .hasMessageContaining("t.safetensors")
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void refusesOversizedOrTruncatedHeaders() throws IOException {
    Path f = dir.resolve("big.safetensors");
    ByteBuffer b =
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
    Files.write(f, b.array());
    assertThatThrownBy(() -> SafetensorsFile.open(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("header length 1099511627776 is outside");
    Path good = dir.resolve("g.safetensors");
    new SafetensorsWriter().add("a", new float[100], 100).write(good, DType.F32);
    byte[] all = Files.readAllBytes(good);
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, Arrays.copyOf(all, all.length - 10));
    assertThatThrownBy(() -> SafetensorsFile.open(cut))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("tensor a")
        .hasMessageContaining("lie outside");
    Files.write(cut, Arrays.copyOf(all, 5));
    assertThatThrownBy(() -> SafetensorsFile.open(cut)).hasMessageContaining("too short");
  }

  @Test
  void refusesReadingIntegerTensorsAsFloats() throws IOException {
    Path f = raw("{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
    try (SafetensorsFile s = SafetensorsFile.open(f)) {
      assertThatThrownBy(() -> s.readFloats("i"))
          .isInstanceOf(MalformedFileException.class)
          .hasMessageContaining("dtype I64");
      assertThatThrownBy(() -> s.readFloats("nope")).hasMessageContaining("no tensor nope");
    }
  }
}
