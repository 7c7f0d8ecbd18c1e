package io.blindtuner.vision.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.data.SharedData;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Our resize against Pillow. The SHA-256 digests below are of Pillow 9.4.0's output bytes for the
 * same images, produced by (Debian python3-pil):
 *
 * <pre>
 *   a = np.load(f"{name}.npz")["train_images"][idx]
 *   r = np.asarray(Image.fromarray(a, mode).resize((size, size), Image.BICUBIC))
 *   hashlib.sha256(r.tobytes()).hexdigest()
 * </pre>
 *
 * Equality of digests means every output byte equals Pillow's, for upsampling (224, 56) and
 * downsampling (13).
 */
class BicubicResizeTest {
  private static final Object[][] PILLOW = {
    {"breastmnist", 0, 224, "ee3e569655d212ecd70289b7c21611fa5fbc7d0e922da779157194b0a9d5bcb8"},
    {"breastmnist", 0, 13, "f0be21edacdf1e35a384bc0822fea20010d55c7d69d1f3777a036e662fe53ec5"},
    {"breastmnist", 0, 56, "7c41eac9689de9c4c17b6b05ad84c6c123e46c34bbd8040844f1f58f28d1783c"},
    {"retinamnist", 0, 224, "ec42b9c6c86febef758a60001b156907df8cd09bc3e3a63cad69444160a89144"},
    {"retinamnist", 0, 13, "64a52f18eccbeacfe5b7ea4f4b322631a8d22e951a3a76bc13eb94823544b284"},
    {"retinamnist", 0, 56, "09e08ec5b8445d825c7126326a32bf8d95fc9ea9f639e7ad5f511785fecfb430"},
    {"pneumoniamnist", 7, 224, "a702c74ce84f0f6a04f0038f593294bd21cc215c062990c71782f26b0b6c42a2"},
    {"pneumoniamnist", 7, 13, "8d43ed86ae1801968be7db26bb3286b25bf77b66b7d8394a2ca8d478e8522267"},
    {"pneumoniamnist", 7, 56, "2318a82ea98f9fc24b62e2886408f08c895e4ee8be2170a66ace96c9c63e5f6b"},
  };

  @Test
  void matchesPillowBicubicByteForByte() throws Exception {
    for (Object[] c : PILLOW) {
      String name = (String) c[0];
      int idx = (Integer) c[1];
      int size = (Integer) c[2];
      ImageSplit s = MedMnistDataset.load(SharedData.file(name), name).train();
      byte[] out = new byte[size * size * s.channels()];
      BicubicResize.resize(s.pixels(), idx * s.imageBytes(), 28, 28, s.channels(), size, size, out);
      String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out));
      assertThat(digest).as(name + "[" + idx + "] -> " + size).isEqualTo(c[3]);
    }
  }

  @Test
  void kernelIsPillowsBicubic() {
    assertThat(BicubicResize.bicubic(0)).isEqualTo(1.0);
    assertThat(BicubicResize.bicubic(1)).isEqualTo(0.0);
    assertThat(BicubicResize.bicubic(0.5)).isEqualTo(0.5625);
    assertThat(BicubicResize.bicubic(-1.5)).isEqualTo(-0.0625);
    assertThat(BicubicResize.bicubic(2)).isEqualTo(0.0);
  }

  @Test
  void preprocessorReplicatesGreyAndNormalisesWithImageNetStatistics() throws IOException {
    ImageSplit s = MedMnistDataset.load(SharedData.file("breastmnist"), "breastmnist").train();
    DeitPreprocessor p = new DeitPreprocessor(224);
    float[] out = new float[3 * 224 * 224];
    p.apply(s, 0, new byte[p.scratchBytes(1)], out);
    // Pillow's first output byte for breastmnist[0] at 224 is 146
    for (int c = 0; c < 3; c++) {
      float want =
          (146 / 255f - DeitPreprocessor.IMAGENET_MEAN[c]) / DeitPreprocessor.IMAGENET_STD[c];
      assertThat(out[c * 224 * 224]).isEqualTo(want);
    }
    // a constant white image maps to (1 - mean) / std in every channel
    ImageSplit white = new ImageSplit("w", 1, 28, 28, 3, filled(28 * 28 * 3), new int[1]);
    p.apply(white, 0, new byte[p.scratchBytes(3)], out);
    for (int c = 0; c < 3; c++) {
      assertThat(out[c * 224 * 224 + 12345])
          .isEqualTo((1f - DeitPreprocessor.IMAGENET_MEAN[c]) / DeitPreprocessor.IMAGENET_STD[c]);
    }
  }

  private static byte[] filled(int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) 255);
    return b;
  }
}
