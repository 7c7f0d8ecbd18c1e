package io.blindtuner.pipeline.hospital;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.vision.data.NpzFixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInboxTest {
  static final List<String> CLASSES = List.of("benign", "malignant");

  /** A grey 28 x 28 PNG whose pixel (y, x) is (seed + y * 28 + x) mod 256. */
  static Path png(Path file, int seed, int size, int type) throws Exception {
    BufferedImage img = new BufferedImage(size, size, type);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int v = (seed + y * size + x) & 0xff;
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    Files.createDirectories(file.getParent());
    assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
    return file;
  }

  @Test
  void aFileIsTakenOnceItStopsGrowingAndLandsInAcceptedWithItsClassFromTheFolder(@TempDir Path dir)
      throws Exception {
    ImageInbox inbox = new ImageInbox(dir, CLASSES, 28, 28);
    png(dir.resolve("malignant/a.png"), 3, 28, BufferedImage.TYPE_BYTE_GRAY);
    png(dir.resolve("0/b.png"), 5, 28, BufferedImage.TYPE_BYTE_GRAY);
    Files.writeString(dir.resolve("0/.c.png"), "hidden, never taken");
    Files.writeString(dir.resolve("0/d.png.part"), "still being copied");
    assertThat(inbox.poll()).as("first sight: the files may still be growing").isEmpty();
    List<ImageInbox.Labelled> got = inbox.poll();
    assertThat(got)
        .extracting(ImageInbox.Labelled::label)
        .containsExactly(0, 1); // 0/b.png, malignant/a.png
    assertThat(got.get(1).pixels()[0]).isEqualTo((byte) 3);
    assertThat(got.get(1).pixels()[28 * 2 + 1]).isEqualTo((byte) (3 + 57));
    assertThat(dir.resolve("accepted/malignant/a.png")).exists();
    assertThat(dir.resolve("malignant/a.png")).doesNotExist();
    assertThat(dir.resolve("0/.c.png")).exists();
    assertThat(dir.resolve("0/d.png.part")).exists();
    assertThat(inbox.poll()).isEmpty();

    // a restarted edge reads the accepted images back, newest last, up to the window
    ImageInbox again = new ImageInbox(dir, CLASSES, 28, 28);
    assertThat(again.accepted(10)).hasSize(2);
    assertThat(again.accepted(1)).hasSize(1);
  }

  @Test
  void aFileThatCannotBeUsedGoesToRejectedWithItsReasonAndTheRestGoOn(@TempDir Path dir)
      throws Exception {
    ImageInbox inbox = new ImageInbox(dir, CLASSES, 28, 28);
    png(dir.resolve("1/rgb.png"), 0, 28, BufferedImage.TYPE_INT_RGB);
    png(dir.resolve("1/big.png"), 0, 32, BufferedImage.TYPE_BYTE_GRAY);
    png(dir.resolve("top.png"), 0, 28, BufferedImage.TYPE_BYTE_GRAY);
    png(dir.resolve("tumour/x.png"), 0, 28, BufferedImage.TYPE_BYTE_GRAY);
    png(dir.resolve("7/x.png"), 0, 28, BufferedImage.TYPE_BYTE_GRAY);
    Files.write(dir.resolve("1/garbage.png"), new byte[] {1, 2, 3});
    Files.writeString(dir.resolve("1/notes.txt"), "x");
    png(dir.resolve("1/good.png"), 9, 28, BufferedImage.TYPE_BYTE_GRAY);
    inbox.poll();
    assertThat(inbox.poll()).singleElement().satisfies(l -> assertThat(l.label()).isEqualTo(1));
    Map<String, String> reasons = new LinkedHashMap<>();
    reasons.put("1/rgb.png", "image has 3 channels of 8 bits; the model takes 8-bit grey");
    reasons.put("1/big.png", "image is 32x32, the model takes 28x28");
    reasons.put("top.png", "an image must be in a folder named after its class");
    reasons.put(
        "tumour/x.png",
        "folder 'tumour' is not a class (one of [benign, malignant] or its number 0..1)");
    reasons.put("7/x.png", "folder '7' is not a class");
    reasons.put("1/garbage.png", "not a decodable PNG or JPEG image");
    reasons.put("1/notes.txt", "not a .png, .jpg, .jpeg or .npz file");
    for (Map.Entry<String, String> e : reasons.entrySet()) {
      assertThat(dir.resolve("rejected/" + e.getKey())).exists();
      assertThat(Files.readString(dir.resolve("rejected/" + e.getKey() + ".reason.txt")))
          .as(e.getKey())
          .contains(e.getKey())
          .contains(e.getValue());
    }
  }

  @Test
  void anNpzOfImagesAndLabelsIsTakenWholeOrRejectedWhole(@TempDir Path dir) throws Exception {
    ImageInbox inbox = new ImageInbox(dir, CLASSES, 28, 28);
    byte[] pixels = new byte[3 * 28 * 28];
    pixels[28 * 28] = 42; // first pixel of the second image
    NpzFixtures.zip(
        dir.resolve("batch.npz"),
        Map.of(
            "images.npy",
            NpzFixtures.npyU8(pixels, 3, 28, 28),
            "labels.npy",
            NpzFixtures.npyU8(new byte[] {0, 1, 1}, 3, 1)));
    NpzFixtures.zip(
        dir.resolve("bad.npz"),
        Map.of(
            "images.npy",
            NpzFixtures.npyU8(pixels, 3, 28, 28),
            "labels.npy",
            NpzFixtures.npyU8(new byte[] {0, 2, 1}, 3)));
    NpzFixtures.zip(
        dir.resolve("other.npz"), Map.of("weights.npy", NpzFixtures.npyU8(new byte[4], 4)));
    inbox.poll();
    List<ImageInbox.Labelled> got = inbox.poll();
    assertThat(got).extracting(ImageInbox.Labelled::label).containsExactly(0, 1, 1);
    assertThat(got.get(1).pixels()[0]).isEqualTo((byte) 42);
    assertThat(Files.readString(dir.resolve("rejected/bad.npz.reason.txt")))
        .contains("label 2 at index 1 is outside the 2 classes");
    assertThat(Files.readString(dir.resolve("rejected/other.npz.reason.txt"))).contains("weights");
    assertThat(inbox.split("w", got).pixels()).hasSize(3 * 28 * 28);
  }
}
