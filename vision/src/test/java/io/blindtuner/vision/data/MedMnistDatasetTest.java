package io.blindtuner.vision.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.vision.MalformedFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MedMnistDatasetTest {
  @TempDir Path dir;

  @Test
  void readsTheSharedOfficialFiles() throws IOException {
    for (MedMnistInfo info :
        new MedMnistInfo[] {
          MedMnistRegistry.get("breastmnist"),
          MedMnistRegistry.get("pneumoniamnist"),
          MedMnistRegistry.get("retinamnist")
        }) {
      Path f = SharedData.file(info.name());
      MedMnistDownloader.verify(f, info);
      MedMnistDataset d = MedMnistDataset.load(f, info.name());
      assertThat(d.train().n()).isEqualTo(info.train());
      assertThat(d.val().n()).isEqualTo(info.val());
      assertThat(d.test().n()).isEqualTo(info.test());
      assertThat(d.channels()).isEqualTo(info.channels());
      assertThat(d.height()).isEqualTo(28);
      assertThat(d.width()).isEqualTo(28);
      assertThat(d.classes()).isEqualTo(info.classes());
      // every class occurs in train: the labels were decoded, not left at zero
      assertThat(java.util.Arrays.stream(d.train().labels()).distinct().count())
          .isEqualTo(info.classes());
    }
  }

  @Test
  void breastMnistTestSplitIsMostlyBenign() throws IOException {
    MedMnistDataset d = MedMnistDataset.load(SharedData.file("breastmnist"), "breastmnist");
    long ones = java.util.Arrays.stream(d.test().labels()).filter(l -> l == 1).count();
    // the shared README states 73.1% of the 156 test images are class 1
    assertThat(ones).isEqualTo(114);
  }

  @Test
  void loadsSmallGreyAndRgbFixtures() throws IOException {
    Path g = NpzFixtures.zip(dir.resolve("g.npz"), NpzFixtures.dataset(6, 28, 28, false, 3));
    MedMnistDataset dg = MedMnistDataset.load(g, "custom");
    assertThat(dg.classes()).isEqualTo(3);
    assertThat(dg.channels()).isEqualTo(1);
    assertThat(dg.train().pixel(1, 2, 3, 0))
        .isEqualTo(NpzFixtures.pattern(6 * 784, 0)[784 + 2 * 28 + 3] & 0xff);
    Path c = NpzFixtures.zip(dir.resolve("c.npz"), NpzFixtures.dataset(4, 28, 28, true, 2));
    MedMnistDataset dc = MedMnistDataset.load(c, "custom");
    assertThat(dc.channels()).isEqualTo(3);
    assertThat(dc.val().pixel(2, 5, 7, 1))
        .isEqualTo(NpzFixtures.pattern(4 * 784 * 3, 1)[((2 * 28 + 5) * 28 + 7) * 3 + 1] & 0xff);
  }

  @Test
  void refusesMissingEntryWrongLabelShapeAndWrongChannels() throws IOException {
    Map<String, byte[]> m = NpzFixtures.dataset(4, 28, 28, false, 2);
    m.remove("val_labels.npy");
    Path f = NpzFixtures.zip(dir.resolve("m.npz"), m);
    assertThatThrownBy(() -> MedMnistDataset.load(f, "x"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("missing entry val_labels.npy");

    Map<String, byte[]> l = NpzFixtures.dataset(4, 28, 28, false, 2);
    l.put("test_labels.npy", NpzFixtures.npyU8(new byte[4], 4));
    Path fl = NpzFixtures.zip(dir.resolve("l.npz"), l);
    assertThatThrownBy(() -> MedMnistDataset.load(fl, "x"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("test_labels.npy")
        .hasMessageContaining("expected (4, 1)");

    Path rgb = NpzFixtures.zip(dir.resolve("r.npz"), NpzFixtures.dataset(4, 28, 28, true, 2));
    assertThatThrownBy(() -> MedMnistDataset.load(rgb, "breastmnist"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("breastmnist has 1 channel(s)");

    Map<String, byte[]> s = NpzFixtures.dataset(4, 28, 28, false, 2);
    s.put("train_images.npy", NpzFixtures.npyU8(new byte[4 * 28 * 28 * 2], 4, 28, 28, 2));
    Path fs = NpzFixtures.zip(dir.resolve("s.npz"), s);
    assertThatThrownBy(() -> MedMnistDataset.load(fs, "x"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("train_images.npy")
        .hasMessageContaining("(4, 28, 28, 2)");
  }

  @Test
  void refusesLabelsOutsideTheRegisteredClasses() throws IOException {
    Path f = NpzFixtures.zip(dir.resolve("x.npz"), NpzFixtures.dataset(6, 28, 28, false, 3));
    assertThatThrownBy(() -> MedMnistDataset.load(f, "breastmnist"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("label 2")
        .hasMessageContaining("outside 0..1");
  }

  /** One array of zeros filling the default entry cap: 1 GiB decompressed, a few MB deflated. */
  private static final int GIB_OF_ZEROS = (1 << 30) - 128;

  @Test
  void refusesUnexpectedEntriesBeforeDecompressingAny() throws IOException {
    // four 1 GiB arrays of zeros, a few MB each compressed: reading them all to check their names
    // afterwards
    // exhausted the heap
    Path f =
        NpzFixtures.zeroBombs(
            dir.resolve("bomb.npz"), List.of("z0.npy", "z1.npy", "z2.npy", "z3.npy"), GIB_OF_ZEROS);
    assertThatThrownBy(() -> MedMnistDataset.load(f, "x"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("bomb.npz[z0.npy]: unexpected entry");
  }

  @Test
  void capsTheTotalOfExpectedEntriesBeforeDecompressingAny() throws IOException {
    // each entry is within the per-array cap; six of them are not within the total
    List<String> names = MedMnistDataset.KEYS.stream().map(k -> k + ".npy").sorted().toList();
    Path f = NpzFixtures.zeroBombs(dir.resolve("bomb.npz"), names, GIB_OF_ZEROS);
    assertThatThrownBy(() -> MedMnistDataset.load(f, "x"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(
            "bomb.npz: entries hold "
                + 6L * (1 << 30)
                + " bytes in total, above the limit of "
                + NpzReader.DEFAULT_MAX_TOTAL_BYTES);
  }
}
