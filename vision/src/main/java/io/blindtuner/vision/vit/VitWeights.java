package io.blindtuner.vision.vit;

import io.blindtuner.vision.MalformedFileException;
import io.blindtuner.vision.safetensors.SafetensorsFile;
import io.blindtuner.vision.safetensors.TensorInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The trunk's parameters in PyTorch layout (linear weights are {@code [out][in]}, the patch
 * projection is {@code [dim][channels][patch][patch]}), loaded from safetensors by timm or Hugging
 * Face names. Classifier heads in the file are ignored.
 *
 * @param config the architecture
 * @param naming the naming the file used ("timm" or "hugging face (prefix ...)")
 * @param patchWeight {@code dim x channels*patch*patch}
 * @param patchBias {@code dim}
 * @param clsToken {@code dim}
 * @param distToken {@code dim}, or null when not distilled
 * @param posEmbed {@code sequenceLength x dim}
 * @param blocks one entry per transformer block
 * @param normWeight final LayerNorm scale
 * @param normBias final LayerNorm shift
 */
public record VitWeights(
    VitConfig config,
    String naming,
    float[] patchWeight,
    float[] patchBias,
    float[] clsToken,
    float[] distToken,
    float[] posEmbed,
    List<Block> blocks,
    float[] normWeight,
    float[] normBias) {
  /**
   * The largest width, MLP width, channel count, patch size or token count inferred from a file:
   * above every published ViT (ViT-22B: width 6144, MLP 24576), and small enough that a dimension
   * of a zero-element tensor (which no byte count bounds) cannot make the architecture enormous.
   */
  public static final int MAX_INFERRED_SIZE = 1 << 16;

  /** One pre-norm transformer block. */
  public record Block(
      float[] norm1Weight,
      float[] norm1Bias,
      float[] qkvWeight,
      float[] qkvBias,
      float[] projWeight,
      float[] projBias,
      float[] norm2Weight,
      float[] norm2Bias,
      float[] fc1Weight,
      float[] fc1Bias,
      float[] fc2Weight,
      float[] fc2Bias) {}

  /**
   * @throws IllegalArgumentException if an array's length does not match the config
   */
  public VitWeights {
    blocks = List.copyOf(blocks);
    // VitConfig bounds each of these products to one array, so none wraps
    int d = config.dim();
    int m = config.mlpDim();
    check("patch weight", patchWeight, d * config.patchValues());
    check("patch bias", patchBias, d);
    check("cls token", clsToken, d);
    if (config.distilled()) {
      check("dist token", distToken, d);
    } else if (distToken != null) {
      throw new IllegalArgumentException("dist token given for a trunk without distillation token");
    }
    check("pos embed", posEmbed, config.sequenceLength() * d);
    if (blocks.size() != config.depth()) {
      throw new IllegalArgumentException(blocks.size() + " blocks for depth " + config.depth());
    }
    for (Block b : blocks) {
      check("norm1", b.norm1Weight, d);
      check("norm1", b.norm1Bias, d);
      check("qkv", b.qkvWeight, 3 * d * d);
      check("qkv", b.qkvBias, 3 * d);
      check("proj", b.projWeight, d * d);
      check("proj", b.projBias, d);
      check("norm2", b.norm2Weight, d);
      check("norm2", b.norm2Bias, d);
      check("fc1", b.fc1Weight, m * d);
      check("fc1", b.fc1Bias, m);
      check("fc2", b.fc2Weight, d * m);
      check("fc2", b.fc2Bias, d);
    }
    check("norm", normWeight, d);
    check("norm", normBias, d);
  }

  private static void check(String what, float[] a, int n) {
    if (a == null || a.length != n) {
      throw new IllegalArgumentException(
          what + ": expected " + n + " values, got " + (a == null ? "none" : a.length));
    }
  }

  /**
   * Loads the trunk of {@code config} from a safetensors file named the timm way or the Hugging
   * Face way.
   *
   * @throws MalformedFileException if the naming is neither, or tensors are missing, mis-shaped or
   *     not floats; the message lists every such tensor with the expected and found shape
   * @throws IOException if reading fails
   */
  public static VitWeights load(SafetensorsFile file, VitConfig config) throws IOException {
    Map<String, TensorInfo> t = file.tensors();
    WeightNaming.Detected n = WeightNaming.detect(t.keySet());
    if (n == null) {
      throw new MalformedFileException(
          file.path()
              + ": no class token found: expected timm name 'cls_token' or a"
              + " Hugging Face name ending in 'embeddings.cls_token' (tensors present: "
              + summary(t)
              + ")");
    }
    int d = config.dim();
    int m = config.mlpDim();
    int p = config.patchSize();
    Loader l = new Loader(file);
    float[] patchW = l.get(n.patch("weight"), d, config.channels(), p, p);
    float[] patchB = l.get(n.patch("bias"), d);
    float[] cls = l.get(n.clsToken(), 1, 1, d);
    float[] dist = config.distilled() ? l.get(n.distToken(), 1, 1, d) : null;
    float[] pos = l.get(n.posEmbed(), 1, config.sequenceLength(), d);
    if (!config.distilled() && t.containsKey(n.distToken().get(0))) {
      l.problems.add(
          n.distToken().get(0)
              + ": present, but "
              + config.name()
              + " has no distillation token"
              + " (use the distilled architecture)");
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < config.depth(); i++) {
      blocks.add(
          new Block(
              l.get(n.norm1(i, "weight"), d), l.get(n.norm1(i, "bias"), d),
              l.get(n.qkv(i, "weight"), 3 * d, d), l.get(n.qkv(i, "bias"), 3 * d),
              l.get(n.proj(i, "weight"), d, d), l.get(n.proj(i, "bias"), d),
              l.get(n.norm2(i, "weight"), d), l.get(n.norm2(i, "bias"), d),
              l.get(n.fc1(i, "weight"), m, d), l.get(n.fc1(i, "bias"), m),
              l.get(n.fc2(i, "weight"), d, m), l.get(n.fc2(i, "bias"), d)));
    }
    String extraBlock =
        n.naming() == WeightNaming.TIMM
            ? "blocks." + config.depth() + ".norm1.weight"
            : n.prefix() + "encoder.layer." + config.depth() + ".layernorm_before.weight";
    if (t.containsKey(extraBlock)) {
      l.problems.add(
          extraBlock
              + ": present, but "
              + config.name()
              + " has only "
              + config.depth()
              + " blocks");
    }
    float[] normW = l.get(n.finalNorm("weight"), d);
    float[] normB = l.get(n.finalNorm("bias"), d);
    if (!l.problems.isEmpty()) {
      throw new MalformedFileException(
          file.path()
              + ": not a "
              + config.name()
              + " trunk ("
              + l.problems.size()
              + " problem(s)):\n  "
              + String.join("\n  ", l.problems));
    }
    String naming =
        n.naming() == WeightNaming.TIMM ? "timm" : "hugging face (prefix '" + n.prefix() + "')";
    return new VitWeights(config, naming, patchW, patchB, cls, dist, pos, blocks, normW, normB);
  }

  /**
   * Infers the architecture from a weights file: sizes from the tensor shapes, the head count from
   * the {@code num_heads} metadata entry if present, else from the DeiT preset of the same width.
   *
   * @throws MalformedFileException if the shapes needed are absent or inconsistent, or the head
   *     count cannot be inferred
   */
  public static VitConfig inferConfig(SafetensorsFile file) throws MalformedFileException {
    Map<String, TensorInfo> t = file.tensors();
    WeightNaming.Detected n = WeightNaming.detect(t.keySet());
    TensorInfo cls = n == null ? null : t.get(n.clsToken().get(0));
    TensorInfo patch = n == null ? null : t.get(n.patch("weight").get(0));
    TensorInfo pos = n == null ? null : t.get(n.posEmbed().get(0));
    TensorInfo fc1 = n == null ? null : t.get(n.fc1(0, "weight").get(0));
    if (cls == null
        || patch == null
        || pos == null
        || fc1 == null
        || cls.shape().length != 3
        || patch.shape().length != 4
        || pos.shape().length != 3
        || fc1.shape().length != 2) {
      throw new MalformedFileException(
          file.path()
              + ": cannot infer the architecture: class token, patch"
              + " projection, position embedding or first MLP tensor is missing or mis-shaped (tensors present: "
              + summary(t)
              + ")");
    }
    int dim = inferred(file, cls, 2);
    int channels = inferred(file, patch, 1);
    int ps = inferred(file, patch, 2);
    boolean distilled = t.containsKey(n.distToken().get(0));
    int seq = inferred(file, pos, 1);
    int g = (int) Math.round(Math.sqrt(seq - (distilled ? 2 : 1)));
    if (g * g != seq - (distilled ? 2 : 1)) {
      throw new MalformedFileException(
          file.path()
              + ": position embedding of "
              + seq
              + " tokens is not a square"
              + " grid plus class"
              + (distilled ? " and distillation" : "")
              + " token");
    }
    int depth = 0;
    while (t.containsKey(n.norm1(depth, "weight").get(0))) {
      depth++;
    }
    int mlp = inferred(file, fc1, 0);
    Integer heads = null;
    String meta = file.metadata().get("num_heads");
    if (meta != null) {
      try {
        heads = Integer.parseInt(meta.trim());
      } catch (NumberFormatException e) {
        throw new MalformedFileException(
            file.path() + ": metadata num_heads '" + meta + "' is not an integer", e);
      }
    }
    String name = "vit_custom";
    for (VitConfig c : VitConfig.presets()) {
      if (c.dim() == dim
          && c.depth() == depth
          && c.patchSize() == ps
          && c.grid() == g
          && c.mlpDim() == mlp
          && c.distilled() == distilled) {
        name = c.name();
        if (heads == null) {
          heads = c.heads();
        }
      }
    }
    if (heads == null) {
      throw new MalformedFileException(
          file.path()
              + ": cannot infer the number of heads for width "
              + dim
              + " (not a DeiT preset and no num_heads metadata); pass the architecture explicitly");
    }
    try {
      return new VitConfig(
          name, g * ps, ps, channels, dim, Math.max(depth, 1), heads, mlp, distilled, 1e-6);
    } catch (IllegalArgumentException e) {
      throw new MalformedFileException(
          file.path() + ": inconsistent architecture: " + e.getMessage(), e);
    }
  }

  private static int inferred(SafetensorsFile file, TensorInfo t, int axis)
      throws MalformedFileException {
    long v = t.shape()[axis];
    if (v < 1 || v > MAX_INFERRED_SIZE) {
      throw new MalformedFileException(
          file.path()
              + ": cannot infer the architecture: "
              + t.name()
              + " has shape "
              + t.shapeString()
              + ", whose dimension "
              + axis
              + " ("
              + v
              + ") is outside 1.."
              + MAX_INFERRED_SIZE);
    }
    return (int) v;
  }

  private static String summary(Map<String, TensorInfo> t) {
    List<String> names = new ArrayList<>(new TreeSet<>(t.keySet()));
    return names.size() <= 8
        ? names.toString()
        : names.subList(0, 8) + " and " + (names.size() - 8) + " more";
  }

  /**
   * Reads tensors, concatenating parts along dimension 0, and collects every problem instead of
   * stopping at one.
   */
  private static final class Loader {
    private final SafetensorsFile file;
    private final List<String> problems = new ArrayList<>();

    Loader(SafetensorsFile file) {
      this.file = file;
    }

    float[] get(List<String> parts, long... shape) throws IOException {
      long[] partShape = shape.clone();
      partShape[0] = shape[0] / parts.size();
      // every part's shape is compared first, so what is allocated is what the file holds
      boolean ok = true;
      for (String name : parts) {
        TensorInfo info = file.tensors().get(name);
        if (info == null) {
          problems.add(name + ": missing (expected shape " + Arrays.toString(partShape) + ")");
          ok = false;
        } else if (!info.hasShape(partShape)) {
          problems.add(
              name + ": shape " + info.shapeString() + ", expected " + Arrays.toString(partShape));
          ok = false;
        } else if (!info.dtype().isFloat()) {
          problems.add(name + ": dtype " + info.dtype() + " is not F32, F16 or BF16");
          ok = false;
        }
      }
      if (!ok) {
        return null;
      }
      // the config bounds every tensor to one array, so the product is exact
      int size = 1;
      for (long s : shape) {
        size = Math.multiplyExact(size, Math.toIntExact(s));
      }
      float[] out = new float[size];
      int offset = 0;
      for (String name : parts) {
        float[] v = file.readFloats(name);
        System.arraycopy(v, 0, out, offset, v.length);
        offset += v.length;
      }
      return out;
    }
  }
}
