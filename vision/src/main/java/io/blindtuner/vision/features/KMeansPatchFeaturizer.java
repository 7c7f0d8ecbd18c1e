package io.blindtuner.vision.features;

import io.blindtuner.vision.data.ImageSplit;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The single-layer unsupervised featurizer of Coates, Lee &amp; Ng (2011), needing no downloaded
 * weights: a {@link PatchDictionary} learned on the hospital's own training images encodes every
 * {@code size x size} patch at stride 1, and the encodings are averaged over a {@code grid x grid}
 * array of regions of the resulting map. Each region is one token whose k values are its pooled
 * activations: T = grid², d = k, the same (T, d) contract as {@link PatchFeaturizer}, so the PCA
 * and the head take it unchanged.
 */
public final class KMeansPatchFeaturizer implements Featurizer {
  /** The name every output carries. */
  public static final String NAME = "k-means patch dictionary (Coates-Ng, weight-free)";

  private final PatchDictionary dictionary;
  private final int grid;
  private final int height;
  private final int width;

  /**
   * @param dictionary the learned dictionary
   * @param grid regions per side of the activation map
   * @param height image height the dictionary was learned on
   * @param width image width
   * @throws IllegalArgumentException naming the field if the grid is below 1 or finer than the
   *     activation map
   */
  public KMeansPatchFeaturizer(PatchDictionary dictionary, int grid, int height, int width) {
    checkGrid(grid, dictionary.size(), height, width);
    this.dictionary = dictionary;
    this.grid = grid;
    this.height = height;
    this.width = width;
  }

  /**
   * Learns the dictionary on {@code train} and builds the featurizer.
   *
   * @throws IllegalArgumentException naming the setting or field that does not suit the images
   */
  public static KMeansPatchFeaturizer fit(ImageSplit train, KMeansSettings settings) {
    // the grid is known before the dictionary: refuse it before the k-means work
    checkGrid(settings.grid(), settings.patchSize(), train.height(), train.width());
    return new KMeansPatchFeaturizer(
        PatchDictionary.learn(
            train, settings.patchSize(), settings.centroids(), settings.samples(), settings.seed()),
        settings.grid(),
        train.height(),
        train.width());
  }

  /**
   * @throws IllegalArgumentException naming the field if {@code size x size} patches are larger
   *     than {@code height x width} images, or the grid is below 1 or finer than the activation map
   *     they leave
   */
  public static void checkGrid(int grid, int size, int height, int width) {
    int mapH = height - size + 1;
    int mapW = width - size + 1;
    if (mapH < 1 || mapW < 1) {
      throw new IllegalArgumentException(
          "dictionary patch size "
              + size
              + " is larger than the "
              + height
              + "x"
              + width
              + " images");
    }
    if (grid < 1 || grid > Math.min(mapH, mapW)) {
      throw new IllegalArgumentException(
          "k-means featurizer grid "
              + grid
              + " must be in 1.."
              + Math.min(mapH, mapW)
              + " (the "
              + mapH
              + "x"
              + mapW
              + " activation map)");
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return NAME
        + ": "
        + dictionary.k()
        + " centroids of "
        + dictionary.size()
        + "x"
        + dictionary.size()
        + "x"
        + dictionary.channels()
        + " whitened patches learned on the train split, triangle encoding at stride 1,"
        + " mean-pooled over a "
        + grid
        + "x"
        + grid
        + " grid of regions";
  }

  @Override
  public int tokens() {
    return grid * grid;
  }

  @Override
  public int dim() {
    return dictionary.k();
  }

  /** The learned dictionary. */
  public PatchDictionary dictionary() {
    return dictionary;
  }

  /** Regions per side. */
  public int grid() {
    return grid;
  }

  /** Image height the featurizer was fitted on. */
  public int height() {
    return height;
  }

  /** Image width the featurizer was fitted on. */
  public int width() {
    return width;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException naming the split if its images differ in size or channels from
   *     the train split
   */
  @Override
  public FeatureSet featurize(ImageSplit split, IntConsumer progress) {
    split.requireShape(
        height, width, dictionary.channels(), "the k-means featurizer was fitted on");
    int t = tokens();
    int k = dim();
    float[] out = FeatureSet.allocate(split.name(), split.n(), t, k);
    // images are independent and each writes only its own rows, so the result does not depend on
    // the threads
    IntStream.range(0, split.n())
        .parallel()
        .forEach(
            i -> {
              encodeImage(split, i, out, i * t * k);
              progress.accept(1);
            });
    return new FeatureSet(split.name(), split.n(), t, k, out, split.labels().clone());
  }

  private void encodeImage(ImageSplit s, int i, float[] out, int base) {
    int size = dictionary.size();
    int mapH = height - size + 1;
    int mapW = width - size + 1;
    int k = dictionary.k();
    int[] count = new int[grid * grid];
    double[] patch = new double[size * size * dictionary.channels()];
    PatchDictionary.Scratch scratch = dictionary.scratch();
    for (int y = 0; y < mapH; y++) {
      int ry = y * grid / mapH;
      for (int x = 0; x < mapW; x++) {
        int region = ry * grid + x * grid / mapW;
        PatchDictionary.readPatch(s, i, y, x, size, patch);
        dictionary.encodeAdd(patch, scratch, out, base + region * k);
        count[region]++;
      }
    }
    // mean rather than sum pooling: regions differ in size by a row or column when the grid does
    // not divide the map
    for (int r = 0; r < count.length; r++) {
      float inv = 1f / count[r];
      for (int j = 0; j < k; j++) {
        out[base + r * k + j] *= inv;
      }
    }
  }
}
