package io.blindtuner.vision.data;

import java.util.Locale;
import java.util.Objects;

/**
 * Labelled images of one split: {@code n} images of {@code height x width x channels} uint8 pixels
 * in HWC order, image after image, and one integer label per image.
 *
 * @param name the split name (train, val, test)
 * @param n the number of images
 * @param height image height in pixels
 * @param width image width in pixels
 * @param channels 1 (grey) or 3 (RGB)
 * @param pixels {@code n * height * width * channels} bytes, read as unsigned
 * @param labels {@code n} labels
 */
public record ImageSplit(
    String name, int n, int height, int width, int channels, byte[] pixels, int[] labels) {

  /**
   * @throws IllegalArgumentException if the sizes disagree or channels is neither 1 nor 3
   */
  public ImageSplit {
    Objects.requireNonNull(name, "name");
    if (n < 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(name + ": bad size n=" + n + " " + height + "x" + width);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(name + ": channels must be 1 or 3, got " + channels);
    }
    if ((long) n * height * width * channels != pixels.length) {
      throw new IllegalArgumentException(
          name
              + ": "
              + pixels.length
              + " pixel bytes for "
              + n
              + " images of "
              + height
              + "x"
              + width
              + "x"
              + channels);
    }
    if (labels.length != n) {
      throw new IllegalArgumentException(
          name + ": " + labels.length + " labels for " + n + " images");
    }
  }

  /** Bytes per image. */
  public int imageBytes() {
    return height * width * channels;
  }

  /**
   * Checks that these images have the size and channels a featurizer takes.
   *
   * @param expected what expects that shape, leading into it in the message (e.g. "the k-means
   *     featurizer was fitted on")
   * @throws IllegalArgumentException naming this split and both shapes if they differ
   */
  public void requireShape(int height, int width, int channels, String expected) {
    if (this.height != height || this.width != width || this.channels != channels) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "split '%s': images are %dx%dx%d, %s %dx%dx%d",
              name,
              this.height,
              this.width,
              this.channels,
              expected,
              height,
              width,
              channels));
    }
  }

  /** Pixel value 0..255 of image {@code i} at row y, column x, channel c. */
  public int pixel(int i, int y, int x, int c) {
    return pixels[((i * height + y) * width + x) * channels + c] & 0xff;
  }

  /**
   * These images followed by their left-right mirror images, each mirror with its original's label:
   * 2n images. A training split so doubled teaches the head that a finding's side does not decide
   * its class, from the hospital's own images and at no cost to the encrypted head per step.
   */
  public ImageSplit withMirrors() {
    int b = imageBytes();
    byte[] out = java.util.Arrays.copyOf(pixels, 2 * n * b);
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < height; y++) {
        int row = (i * height + y) * width;
        for (int x = 0; x < width; x++) {
          System.arraycopy(
              pixels,
              (row + x) * channels,
              out,
              n * b + (row + width - 1 - x) * channels,
              channels);
        }
      }
    }
    int[] l = java.util.Arrays.copyOf(labels, 2 * n);
    System.arraycopy(labels, 0, l, n, n);
    return new ImageSplit(name, 2 * n, height, width, channels, out, l);
  }

  /** The first {@code m} images (for quick runs and tests). */
  public ImageSplit head(int m) {
    int k = Math.min(m, n);
    return new ImageSplit(
        name,
        k,
        height,
        width,
        channels,
        java.util.Arrays.copyOf(pixels, k * imageBytes()),
        java.util.Arrays.copyOf(labels, k));
  }
}
