package io.blindtuner.vision.data;

import io.blindtuner.vision.MalformedFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A MedMNIST data set: train, validation and test splits of labelled images, all of the same size
 * and channel count.
 *
 * @param name the data set name (e.g. breastmnist)
 * @param classes number of classes; every label lies in 0..classes-1
 * @param train the training split
 * @param val the validation split
 * @param test the test split
 */
public record MedMnistDataset(
    String name, int classes, ImageSplit train, ImageSplit val, ImageSplit test) {

  /** The entry names a MedMNIST .npz holds. */
  public static final Set<String> KEYS =
      Set.of(
          "train_images", "train_labels", "val_images", "val_labels", "test_images", "test_labels");

  /**
   * @throws IllegalArgumentException if the splits disagree in image size or channels, or a label
   *     is out of range
   */
  public MedMnistDataset {
    for (ImageSplit s : List.of(train, val, test)) {
      if (s.height() != train.height()
          || s.width() != train.width()
          || s.channels() != train.channels()) {
        throw new IllegalArgumentException(
            name
                + ": split "
                + s.name()
                + " has images "
                + s.height()
                + "x"
                + s.width()
                + "x"
                + s.channels()
                + ", train has "
                + train.height()
                + "x"
                + train.width()
                + "x"
                + train.channels());
      }
      for (int i = 0; i < s.n(); i++) {
        if (s.labels()[i] < 0 || s.labels()[i] >= classes) {
          throw new IllegalArgumentException(
              name
                  + ": "
                  + s.name()
                  + " label "
                  + s.labels()[i]
                  + " at index "
                  + i
                  + " is outside 0.."
                  + (classes - 1));
        }
      }
    }
  }

  public int channels() {
    return train.channels();
  }

  public int height() {
    return train.height();
  }

  public int width() {
    return train.width();
  }

  /** The three splits in the order train, val, test. */
  public List<ImageSplit> splits() {
    return List.of(train, val, test);
  }

  /**
   * Loads a MedMNIST .npz. If {@code name} is registered, the channel count and class count must
   * match the registry; otherwise the class count is the largest label plus one.
   *
   * @param file the .npz
   * @param name the data set name (registered or not)
   * @throws MalformedFileException if an entry is missing, unexpected, malformed, or of the wrong
   *     shape
   * @throws IOException if reading fails
   */
  public static MedMnistDataset load(Path file, String name) throws IOException {
    Map<String, NpyArray> arrays =
        NpzReader.read(
            file, KEYS, NpzReader.DEFAULT_MAX_ENTRY_BYTES, NpzReader.DEFAULT_MAX_TOTAL_BYTES);
    for (String k : KEYS) {
      if (!arrays.containsKey(k)) {
        throw new MalformedFileException(
            file + ": missing entry " + k + ".npy (found " + arrays.keySet() + ")");
      }
    }
    ImageSplit train = split("train", arrays);
    ImageSplit val = split("val", arrays);
    ImageSplit test = split("test", arrays);
    MedMnistInfo info = MedMnistRegistry.find(name);
    int classes;
    if (info != null) {
      if (info.channels() != train.channels()) {
        throw new MalformedFileException(
            file
                + ": "
                + info.name()
                + " has "
                + info.channels()
                + " channel(s) but the file's images have "
                + train.channels());
      }
      classes = info.classes();
    } else {
      int max = 0;
      for (ImageSplit s : List.of(train, val, test)) {
        for (int l : s.labels()) {
          max = Math.max(max, l);
        }
      }
      classes = Math.max(2, max + 1);
    }
    try {
      return new MedMnistDataset(info != null ? info.name() : name, classes, train, val, test);
    } catch (IllegalArgumentException e) {
      throw new MalformedFileException(file + ": " + e.getMessage(), e);
    }
  }

  private static ImageSplit split(String split, Map<String, NpyArray> arrays)
      throws MalformedFileException {
    NpyArray images = arrays.get(split + "_images");
    NpyArray labels = arrays.get(split + "_labels");
    int[] s = images.shape();
    boolean grey = s.length == 3;
    boolean rgb = s.length == 4 && s[3] == 3;
    if (!grey && !rgb) {
      throw new MalformedFileException(
          images.name()
              + ": shape "
              + images.shapeString()
              + " is neither (N, H, W) grey nor (N, H, W, 3) RGB");
    }
    if (s[1] == 0 || s[2] == 0) {
      throw new MalformedFileException(
          images.name() + ": empty images, shape " + images.shapeString());
    }
    if (labels.rank() != 2 || labels.dim(1) != 1 || labels.dim(0) != s[0]) {
      throw new MalformedFileException(
          labels.name()
              + ": shape "
              + labels.shapeString()
              + ", expected ("
              + s[0]
              + ", 1) to match "
              + images.name());
    }
    int[] l = new int[s[0]];
    for (int i = 0; i < l.length; i++) {
      l[i] = labels.data()[i] & 0xff;
    }
    return new ImageSplit(split, s[0], s[1], s[2], grey ? 1 : 3, images.data(), l);
  }
}
