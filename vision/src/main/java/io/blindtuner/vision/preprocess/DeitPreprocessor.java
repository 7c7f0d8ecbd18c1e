package io.blindtuner.vision.preprocess;

import io.blindtuner.vision.data.ImageSplit;

/**
 * Prepares a MedMNIST image for a DeiT trunk as timm configures it: bicubic resize (Pillow-exact)
 * to the model's input size, grey replicated to three channels, scaled to [0, 1] and normalised
 * with the ImageNet mean and standard deviation, laid out channel-first (CHW). timm's evaluation
 * transform would resize to size/0.875 and centre-crop; for 28-pixel images that crop would cut an
 * eighth of the anatomy away, so the image is resized straight to the input size instead.
 */
public final class DeitPreprocessor {
  /** ImageNet statistics (timm's IMAGENET_DEFAULT_MEAN / _STD), used by every DeiT checkpoint. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private final int size;
  private final float[][] lut;

  /**
   * @param size the model's input height and width (224 for DeiT)
   * @throws IllegalArgumentException if size is not positive
   */
  public DeitPreprocessor(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("input size must be positive, got " + size);
    }
    this.size = size;
    // (v / 255 - mean) / std for every byte value and channel, computed once
    this.lut = new float[3][256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        lut[c][v] = (v / 255f - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
      }
    }
  }

  /** Bytes needed by the scratch buffer of {@link #apply}. */
  public int scratchBytes(int channels) {
    return size * size * channels;
  }

  /**
   * Preprocesses image {@code i} of a split.
   *
   * @param scratch at least {@link #scratchBytes(int)} bytes, reused between calls by one thread
   * @param out receives {@code 3 x size x size} floats (CHW)
   * @throws IllegalArgumentException if a buffer is too small
   */
  public void apply(ImageSplit split, int i, byte[] scratch, float[] out) {
    int ch = split.channels();
    if (out.length < 3 * size * size || scratch.length < scratchBytes(ch)) {
      throw new IllegalArgumentException("buffers too small for a " + size + "x" + size + " image");
    }
    BicubicResize.resize(
        split.pixels(),
        i * split.imageBytes(),
        split.height(),
        split.width(),
        ch,
        size,
        size,
        scratch);
    int plane = size * size;
    for (int c = 0; c < 3; c++) {
      int src = ch == 1 ? 0 : c;
      float[] l = lut[c];
      for (int p = 0; p < plane; p++) {
        out[c * plane + p] = l[scratch[p * ch + src] & 0xff];
      }
    }
  }
}
