package io.blindtuner.vision.vit;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shape of a ViT/DeiT trunk (no classification head).
 *
 * @param name the architecture name, e.g. deit_tiny_patch16_224
 * @param imageSize input height and width in pixels
 * @param patchSize patch height and width
 * @param channels input channels (3)
 * @param dim token width D
 * @param depth number of transformer blocks
 * @param heads attention heads; must divide dim
 * @param mlpDim hidden width of each block's MLP
 * @param distilled true if the trunk has a distillation token after the class token (DeiT
 *     distilled)
 * @param eps the LayerNorm epsilon (timm uses 1e-6; Hugging Face configs say 1e-12)
 */
public record VitConfig(
    String name,
    int imageSize,
    int patchSize,
    int channels,
    int dim,
    int depth,
    int heads,
    int mlpDim,
    boolean distilled,
    double eps) {

  private static final List<VitConfig> PRESETS =
      List.of(
          deit("deit_tiny_patch16_224", 192, 3, false),
          deit("deit_small_patch16_224", 384, 6, false),
          deit("deit_base_patch16_224", 768, 12, false),
          deit("deit_tiny_distilled_patch16_224", 192, 3, true),
          deit("deit_small_distilled_patch16_224", 384, 6, true),
          deit("deit_base_distilled_patch16_224", 768, 12, true));

  /** The most values one Java array holds (the VM reserves a few header words). */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /**
   * @throws IllegalArgumentException if a size is not positive, heads does not divide dim, patches
   *     do not tile, or a weight or activation of this shape would not fit one Java array (so no
   *     derived int product wraps)
   */
  public VitConfig {
    Objects.requireNonNull(name, "name");
    if (imageSize <= 0
        || patchSize <= 0
        || channels <= 0
        || dim <= 0
        || depth <= 0
        || heads <= 0
        || mlpDim <= 0) {
      throw new IllegalArgumentException(name + ": every size must be positive");
    }
    if (imageSize % patchSize != 0) {
      throw new IllegalArgumentException(
          name + ": patch " + patchSize + " does not tile image " + imageSize);
    }
    if (dim % heads != 0) {
      throw new IllegalArgumentException(name + ": " + heads + " heads do not divide dim " + dim);
    }
    if (!(eps > 0 && eps < 1)) {
      throw new IllegalArgumentException(name + ": LayerNorm eps " + eps + " is not in (0, 1)");
    }
    long grid = imageSize / patchSize;
    long seq = (distilled ? 2 : 1) + grid * grid;
    fitsOneArray(name, "image", channels, imageSize, imageSize);
    fitsOneArray(name, "patch projection", dim, channels, patchSize, patchSize);
    fitsOneArray(name, "position embedding", seq, dim);
    fitsOneArray(name, "attention scores", seq, seq);
    fitsOneArray(name, "qkv projection", 3, dim, dim);
    fitsOneArray(name, "MLP weight", mlpDim, dim);
  }

  private static void fitsOneArray(String name, String what, long... factors) {
    long n = 1;
    try {
      for (long f : factors) {
        n = Math.multiplyExact(n, f);
      }
    } catch (ArithmeticException e) {
      n = Long.MAX_VALUE;
    }
    if (n > MAX_ARRAY) {
      throw new IllegalArgumentException(
          name
              + ": the "
              + what
              + " "
              + java.util.Arrays.toString(factors)
              + " holds more values than one array can ("
              + MAX_ARRAY
              + ")");
    }
  }

  private static VitConfig deit(String name, int dim, int heads, boolean distilled) {
    return new VitConfig(name, 224, 16, 3, dim, 12, heads, 4 * dim, distilled, 1e-6);
  }

  /** The DeiT architectures timm names deit_{tiny,small,base}[_distilled]_patch16_224. */
  public static List<VitConfig> presets() {
    return PRESETS;
  }

  /**
   * The preset called {@code name}.
   *
   * @throws IllegalArgumentException if unknown; the message lists the presets
   */
  public static VitConfig preset(String name) {
    for (VitConfig c : PRESETS) {
      if (c.name.equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown architecture '"
            + name
            + "'; known: "
            + PRESETS.stream().map(VitConfig::name).collect(Collectors.joining(", ")));
  }

  /** Patches per side. */
  public int grid() {
    return imageSize / patchSize;
  }

  /** Number of patch tokens. */
  public int patches() {
    return grid() * grid();
  }

  /** Class token, plus the distillation token if any. */
  public int prefixTokens() {
    return distilled ? 2 : 1;
  }

  /** Sequence length: prefix tokens plus patches. */
  public int sequenceLength() {
    return prefixTokens() + patches();
  }

  public int headDim() {
    return dim / heads;
  }

  /** Values in one flattened patch (channels x patch x patch). */
  public int patchValues() {
    return channels * patchSize * patchSize;
  }

  /** The same architecture with another LayerNorm epsilon. */
  public VitConfig withEps(double e) {
    return new VitConfig(
        name, imageSize, patchSize, channels, dim, depth, heads, mlpDim, distilled, e);
  }
}
