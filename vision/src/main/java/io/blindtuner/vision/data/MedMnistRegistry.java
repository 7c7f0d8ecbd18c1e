package io.blindtuner.vision.data;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The official single-label MedMNIST 28x28 files. MD5s and counts are those the MedMNIST project
 * publishes (medmnist/info.py); the SHA-256 is given where it was measured on the official file
 * (the three data sets shipped beside this project). ChestMNIST is left out: it is multi-label (14
 * columns), which the loader does not model.
 */
public final class MedMnistRegistry {
  private static final List<MedMnistInfo> ALL =
      List.of(
          new MedMnistInfo(
              "pathmnist", 9, 3, 89996, 10004, 7180, "a8b06965200029087d5bd730944a56c1", null),
          new MedMnistInfo(
              "dermamnist", 7, 3, 7007, 1003, 2005, "0744692d530f8e62ec473284d019b0c7", null),
          new MedMnistInfo(
              "octmnist", 4, 1, 97477, 10832, 1000, "c68d92d5b585d8d81f7112f81e2d0842", null),
          new MedMnistInfo(
              "pneumoniamnist",
              2,
              1,
              4708,
              524,
              624,
              "28209eda62fecd6e6a2d98b1501bb15f",
              "e1792d3f03751cb101e99f19a63b3c1941436c988665f47853417b05be250cd8"),
          new MedMnistInfo(
              "retinamnist",
              5,
              3,
              1080,
              120,
              400,
              "bd4c0672f1bba3e3a89f0e4e876791e4",
              "254915f5f0a2074665c4676356824cf4ef4a3bcab233894b4bafcaf48962bd69"),
          new MedMnistInfo(
              "breastmnist",
              2,
              1,
              546,
              78,
              156,
              "750601b1f35ba3300ea97c75c52ff8f6",
              "3a22d2a4625e7dd8903f0f59030e81a3d0c222bece2e5e10927456cb50efdec1"),
          new MedMnistInfo(
              "bloodmnist", 8, 3, 11959, 1712, 3421, "7053d0359d879ad8a5505303e11de1dc", null),
          new MedMnistInfo(
              "tissuemnist", 8, 1, 165466, 23640, 47280, "ebe78ee8b05294063de985d821c1c34b", null),
          new MedMnistInfo(
              "organamnist", 11, 1, 34581, 6491, 17778, "866b832ed4eeba67bfb9edee1d5544e6", null),
          new MedMnistInfo(
              "organcmnist", 11, 1, 13000, 2392, 8268, "0afa5834fb105f7705a7d93372119a21", null),
          new MedMnistInfo(
              "organsmnist", 11, 1, 13940, 2452, 8829, "e5c39f1af030238290b9557d9503af9d", null));

  private static final Map<String, MedMnistInfo> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(MedMnistInfo::name, Function.identity()));

  private MedMnistRegistry() {}

  /** Every registered file. */
  public static List<MedMnistInfo> all() {
    return ALL;
  }

  /**
   * The file called {@code name} (case-insensitive, with or without ".npz").
   *
   * @throws IllegalArgumentException if the name is not registered; the message lists the known
   *     names
   */
  public static MedMnistInfo get(String name) {
    MedMnistInfo info = find(name);
    if (info == null) {
      throw new IllegalArgumentException(
          "unknown MedMNIST data set '"
              + name
              + "'; known: "
              + ALL.stream().map(MedMnistInfo::name).collect(Collectors.joining(", ")));
    }
    return info;
  }

  /** The file called {@code name}, or null. */
  public static MedMnistInfo find(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    if (key.endsWith(".npz")) {
      key = key.substring(0, key.length() - 4);
    }
    return BY_NAME.get(key);
  }
}
