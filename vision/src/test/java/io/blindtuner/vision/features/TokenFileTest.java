package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.vision.MalformedFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path dir;

  private static FeatureSet random(String name, int n, int t, int d, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * t * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      l[i] = r.nextInt(3);
    }
    return new FeatureSet(name, n, t, d, v, l);
  }

  private TokenFile sample() {
    return new TokenFile(
        "patch featurizer (weight-free)",
        "grid 4x4, µ-test",
        "retinamnist",
        3,
        5,
        7,
        List.of(
            random("train", 40000 / 35 + 3, 5, 7, 1),
            random("val", 3, 5, 7, 2),
            random("test", 0, 5, 7, 3)));
  }

  @Test
  void roundTripsBitExactly() throws IOException {
    TokenFile f = sample();
    Path p = dir.resolve("sub/t.tokens");
    f.write(p);
    TokenFile g = TokenFile.read(p);
    assertThat(g.featurizer()).isEqualTo(f.featurizer());
    assertThat(g.description()).isEqualTo("grid 4x4, µ-test");
    assertThat(g.dataset()).isEqualTo("retinamnist");
    assertThat(g.classes()).isEqualTo(3);
    assertThat(g.tokens()).isEqualTo(5);
    assertThat(g.dim()).isEqualTo(7);
    assertThat(g.splits()).hasSize(3);
    for (FeatureSet s : f.splits()) {
      FeatureSet t = g.split(s.split());
      assertThat(t.n()).isEqualTo(s.n());
      assertThat(t.labels()).isEqualTo(s.labels());
      assertThat(t.values()).isEqualTo(s.values());
    }
    assertThatThrownBy(() -> g.split("holdout")).hasMessageContaining("no split 'holdout'");
  }

  @Test
  void refusesCorruptTruncatedAndForeignFiles() throws IOException {
    Path p = dir.resolve("t.tokens");
    sample().write(p);
    byte[] good = Files.readAllBytes(p);

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 4;
    Files.write(p, flipped);
    assertThatThrownBy(() -> TokenFile.read(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("checksum mismatch");

    Files.write(p, Arrays.copyOf(good, good.length - 40));
    assertThatThrownBy(() -> TokenFile.read(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("t.tokens");

    byte[] longer = Arrays.copyOf(good, good.length + 1);
    Files.write(p, longer);
    assertThatThrownBy(() -> TokenFile.read(p)).hasMessageContaining("trailing bytes");

    byte[] magic = good.clone();
    magic[0] = 'X';
    Files.write(p, magic);
    assertThatThrownBy(() -> TokenFile.read(p)).hasMessageContaining("bad magic");

    byte[] version = good.clone();
    version[8] = 2;
    Files.write(p, version);
    assertThatThrownBy(() -> TokenFile.read(p)).hasMessageContaining("version 2 is not supported");
  }

  @Test
  void refusesASplitThatClaimsMoreImagesThanTheFileHolds() throws IOException {
    Path p = dir.resolve("t.tokens");
    new TokenFile(
            "f",
            "",
            "ds",
            2,
            1,
            1,
            List.of(new FeatureSet("train", 1, 1, 1, new float[] {1f}, new int[] {1})))
        .write(p);
    byte[] b = Files.readAllBytes(p);
    // 8 magic + 4 version + (2+1) + (2+0) + (2+2) + 4*4 = 37; then the split name (2+5): n at 44
    b[44] = (byte) 0xff;
    b[45] = (byte) 0xff;
    b[46] = (byte) 0x7f;
    Files.write(p, b);
    assertThatThrownBy(() -> TokenFile.read(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("split train declares");
  }

  @Test
  void refusesASplitWhoseValueCountOverflowsAnInt() throws IOException {
    // n * T * d = 2^13 * 1 * 2^18 = 2^31 values: within each cap, but no Java array holds them, and
    // the int product
    // wraps negative. The file is sparse and long enough (8 GiB + 64 KiB) that the bytes-remaining
    // check passes.
    Path p = dir.resolve("huge.tokens");
    new TokenFile(
            "f",
            "",
            "ds",
            2,
            1,
            1 << 18,
            List.of(new FeatureSet("train", 0, 1, 1 << 18, new float[0], new int[0])))
        .write(p);
    byte[] b = Files.readAllBytes(p);
    // 8 magic + 4 version + (2+1) + (2+0) + (2+2) + 4*4 = 37; then the split name (2+5): n at 44
    b[44] = 0;
    b[45] = 0x20; // n = 0x2000 = 2^13
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
      f.write(b, 0, 48);
      f.setLength((1L << 33) + (1 << 16));
    }
    assertThatThrownBy(() -> TokenFile.read(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("split train declares 8192 images of 2147483648 values");
  }

  @Test
  void refusesInconsistentSplitsWhenBuilding() {
    assertThatThrownBy(
            () -> new TokenFile("f", "", "ds", 3, 5, 7, List.of(random("a", 2, 5, 6, 1))))
        .hasMessageContaining("split a has T=5 d=6");
    assertThatThrownBy(
            () -> new TokenFile("f", "", "ds", 2, 5, 7, List.of(random("a", 20, 5, 7, 1))))
        .hasMessageContaining("outside 0..1");
  }
}
