package io.blindtuner.vision.data;

import static io.blindtuner.vision.data.NpzFixtures.npy;
import static io.blindtuner.vision.data.NpzFixtures.npyU8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.vision.MalformedFileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzReaderTest {
  @TempDir Path dir;

  private static NpyArray parse(byte[] npy) throws IOException {
    return NpyReader.read("x.npy", new ByteArrayInputStream(npy), npy.length, 1 << 20);
  }

  @Test
  void readsGreyAndRgbArraysInCOrder() throws IOException {
    byte[] grey = NpzFixtures.pattern(2 * 3 * 4, 1);
    byte[] rgb = NpzFixtures.pattern(2 * 3 * 4 * 3, 2);
    Path f =
        NpzFixtures.zip(
            dir.resolve("a.npz"),
            Map.of("g.npy", npyU8(grey, 2, 3, 4), "c.npy", npyU8(rgb, 2, 3, 4, 3)));
    Map<String, NpyArray> m = NpzReader.read(f, Set.of("g", "c"), 1 << 20, 1 << 20);
    assertThat(m).containsOnlyKeys("g", "c");
    assertThat(m.get("g").shape()).containsExactly(2, 3, 4);
    assertThat(m.get("g").data()).isEqualTo(grey);
    assertThat(m.get("c").shape()).containsExactly(2, 3, 4, 3);
    assertThat(m.get("c").data()).isEqualTo(rgb);
  }

  @Test
  void acceptsOneDimensionalAndHeaderKeysInAnyOrder() throws IOException {
    NpyArray a =
        parse(npy("{'shape': (3,), 'fortran_order': False, 'descr': '|u1'}", new byte[] {1, 2, 3}));
    assertThat(a.shape()).containsExactly(3);
    assertThat(a.shapeString()).isEqualTo("(3,)");
  }

  @Test
  void refusesWrongDtype() {
    byte[] f = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]);
    assertThatThrownBy(() -> parse(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("x.npy")
        .hasMessageContaining("dtype <f4 is not uint8");
  }

  @Test
  void refusesFortranOrder() {
    byte[] f = npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }", new byte[4]);
    assertThatThrownBy(() -> parse(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("fortran_order is true");
  }

  @Test
  void refusesHeaderThatClaimsMoreDataThanTheEntryHolds() {
    byte[] f =
        npy("{'descr': '|u1', 'fortran_order': False, 'shape': (100, 28, 28), }", new byte[10]);
    assertThatThrownBy(() -> parse(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("header declares 78400 data bytes but the entry holds 10");
  }

  @Test
  void refusesHugeShapeBeforeAllocating() {
    byte[] f =
        npy(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (100000, 100000, 100000), }",
            new byte[1]);
    assertThatThrownBy(() -> NpyReader.read("x.npy", new ByteArrayInputStream(f), -1, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  void refusesShapesNoJavaArrayHoldsWhateverTheCap() {
    // 2^32 elements: with a generous cap the int size wrapped to 0 and the empty data was "read" as
    // shape (0, 1).
    byte[] f =
        npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4294967296, 1), }", new byte[0]);
    assertThatThrownBy(
            () -> NpyReader.read("x.npy", new ByteArrayInputStream(f), -1, Long.MAX_VALUE))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  void refusesTruncatedDataWhenSizeUnknown() {
    byte[] f = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4, 4), }", new byte[10]);
    assertThatThrownBy(() -> NpyReader.read("x.npy", new ByteArrayInputStream(f), -1, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("truncated in the data: expected 16 bytes, got 10");
  }

  @Test
  void refusesExtraBytes() {
    byte[] f = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", new byte[6]);
    assertThatThrownBy(() -> NpyReader.read("x.npy", new ByteArrayInputStream(f), -1, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("extra bytes");
  }

  @Test
  void refusesBadMagicVersionAndHeaders() {
    byte[] good = npyU8(new byte[4], 4);
    byte[] magic = good.clone();
    magic[1] = 'X';
    assertThatThrownBy(() -> parse(magic)).hasMessageContaining("bad magic");
    byte[] version = good.clone();
    version[6] = 3;
    assertThatThrownBy(() -> parse(version)).hasMessageContaining("version 3.0 is not supported");
    for (String bad :
        new String[] {
          "{'descr': '|u1', 'fortran_order': False}",
          "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), 'extra': 1}",
          "{'descr': '|u1', 'fortran_order': False, 'shape': (-4,)}",
          "{'descr': '|u1' 'fortran_order': False, 'shape': (4,)}",
          "{'descr': '|u1', 'fortran_order': Maybe, 'shape': (4,)}",
          "['descr', '|u1']"
        }) {
      assertThatThrownBy(() -> parse(npy(bad, new byte[4])))
          .as(bad)
          .isInstanceOf(MalformedFileException.class)
          .hasMessageContaining("x.npy");
    }
  }

  @Test
  void refusesTruncatedZip() throws IOException {
    Path f = NpzFixtures.zip(dir.resolve("a.npz"), NpzFixtures.dataset(5, 28, 28, false, 2));
    byte[] all = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.npz");
    Files.write(cut, Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> NpzReader.read(cut, MedMnistDataset.KEYS, 1 << 20, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("cut.npz")
        .hasMessageContaining("not a valid .npz");
  }

  @Test
  void refusesCorruptCompressedData() throws IOException {
    Path f =
        NpzFixtures.zip(
            dir.resolve("a.npz"), Map.of("a.npy", npyU8(NpzFixtures.pattern(4000, 3), 4000)));
    byte[] all = Files.readAllBytes(f);
    for (int i = 60; i < 200; i++) {
      all[i] ^= 0x5a;
    }
    Path bad = dir.resolve("bad.npz");
    Files.write(bad, all);
    assertThatThrownBy(() -> NpzReader.read(bad, Set.of("a"), 1 << 20, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("bad.npz[a.npy]");
  }

  @Test
  void refusesNonNpyEntryAndMissingFile() throws IOException {
    Path f = NpzFixtures.zip(dir.resolve("a.npz"), Map.of("readme.txt", new byte[] {1}));
    assertThatThrownBy(() -> NpzReader.read(f, Set.of("readme"), 1 << 20, 1 << 20))
        .hasMessageContaining("a.npz[readme.txt]")
        .hasMessageContaining("not a .npy");
    assertThatThrownBy(() -> NpzReader.read(dir.resolve("none.npz"), Set.of("a"), 1 << 20, 1 << 20))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void refusesEntryLargerThanTheCap() throws IOException {
    Path f = NpzFixtures.zip(dir.resolve("a.npz"), Map.of("a.npy", npyU8(new byte[5000], 5000)));
    assertThatThrownBy(() -> NpzReader.read(f, Set.of("a"), 1000, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  void refusesUnexpectedNamesBeforeReadingAny() throws IOException {
    Path f = NpzFixtures.zeroBombs(dir.resolve("a.npz"), List.of("a.npy", "b.npy"), 16);
    assertThatThrownBy(() -> NpzReader.read(f, Set.of("c", "a"), 1 << 20, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("a.npz[b.npy]: unexpected entry; expected only a.npy, c.npy");
  }

  @Test
  void refusesMoreEntriesThanNamesAndRepeatedNamesBeforeReadingAny() throws IOException {
    Path many =
        NpzFixtures.zeroBombs(dir.resolve("many.npz"), List.of("a.npy", "a.npy", "a.npy"), 16);
    assertThatThrownBy(() -> NpzReader.read(many, Set.of("a", "b"), 1 << 20, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("many.npz: 3 entries, more than the 2 expected (a.npy, b.npy)");
    Path twice = NpzFixtures.zeroBombs(dir.resolve("twice.npz"), List.of("a.npy", "a.npy"), 16);
    assertThatThrownBy(() -> NpzReader.read(twice, Set.of("a", "b"), 1 << 20, 1 << 20))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("twice.npz[a.npy]: entry appears twice");
  }

  @Test
  void capsTheTotalSizeBeforeReadingAny() throws IOException {
    Path f = NpzFixtures.zeroBombs(dir.resolve("a.npz"), List.of("a.npy", "b.npy"), 1000);
    long entry = 128 + 1000;
    assertThat(NpzReader.read(f, Set.of("a", "b"), 1000, 2 * entry)).containsOnlyKeys("a", "b");
    assertThatThrownBy(() -> NpzReader.read(f, Set.of("a", "b"), 1000, 2 * entry - 1))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(
            "a.npz: entries hold "
                + 2 * entry
                + " bytes in total, above the limit of "
                + (2 * entry - 1));
  }
}
