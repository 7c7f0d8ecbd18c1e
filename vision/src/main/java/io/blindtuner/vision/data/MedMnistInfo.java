package io.blindtuner.vision.data;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One official MedMNIST v2/v3 28x28 file: where to download it and how to recognise it.
 *
 * @param name the dataset name, e.g. {@code breastmnist} (also the file's base name)
 * @param classes number of classes (labels are 0..classes-1)
 * @param channels 1 (grey) or 3 (RGB)
 * @param train number of training images
 * @param val number of validation images
 * @param test number of test images
 * @param md5 the MD5 the MedMNIST project publishes for the file (lowercase hex)
 * @param sha256 the file's SHA-256 when we have measured it on the official file, else null
 */
public record MedMnistInfo(
    String name,
    int classes,
    int channels,
    int train,
    int val,
    int test,
    String md5,
    String sha256) {

  /** The Zenodo record of MedMNIST v3 (its 28x28 files are byte-identical to v2's). */
  public static final String ZENODO_RECORD = "https://zenodo.org/records/10519652/files/";

  /**
   * @throws IllegalArgumentException if a field is out of range or a checksum is not lowercase hex
   */
  public MedMnistInfo {
    Objects.requireNonNull(name, "name");
    if (classes < 2 || (channels != 1 && channels != 3) || train <= 0 || val <= 0 || test <= 0) {
      throw new IllegalArgumentException("bad MedMNIST info for " + name);
    }
    if (!md5.matches("[0-9a-f]{32}") || (sha256 != null && !sha256.matches("[0-9a-f]{64}"))) {
      throw new IllegalArgumentException("bad checksum for " + name);
    }
  }

  /** The file name, e.g. {@code breastmnist.npz}. */
  public String fileName() {
    return name.toLowerCase(Locale.ROOT) + ".npz";
  }

  /**
   * The official download address (Zenodo serves the file itself, not its page, with ?download=1).
   */
  public URI url() {
    return URI.create(ZENODO_RECORD + fileName() + "?download=1");
  }
}
