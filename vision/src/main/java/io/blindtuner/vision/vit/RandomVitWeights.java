package io.blindtuner.vision.vit;

import io.blindtuner.vision.safetensors.DType;
import io.blindtuner.vision.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a randomly initialised trunk as safetensors, for verification against other runtimes,
 * benchmarks and demos on machines where pretrained weights cannot be downloaded. Not a model of
 * anything: the values are Gaussian, scaled by 1/sqrt(fan-in) so activations stay of order one
 * through the blocks (which makes numerical comparisons meaningful). The seed only makes files
 * reproducible; nothing here is secret.
 */
public final class RandomVitWeights {
  private RandomVitWeights() {}

  /**
   * Writes random weights for {@code config} with timm names (or Hugging Face {@code vit.}/{@code
   * deit.} names). The metadata records {@code num_heads} and {@code arch} so the architecture can
   * be inferred on load.
   *
   * @throws IOException if writing fails
   */
  public static void write(
      Path file, VitConfig config, long seed, boolean huggingFaceNames, DType dtype)
      throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    int d = config.dim();
    int m = config.mlpDim();
    int p = config.patchSize();
    SafetensorsWriter w =
        new SafetensorsWriter()
            .metadata("num_heads", Integer.toString(config.heads()))
            .metadata("arch", config.name())
            .metadata("note", "random weights, seed " + seed);
    String pre = config.distilled() ? "deit." : "vit.";
    boolean hf = huggingFaceNames;
    w.add(
        hf ? pre + "embeddings.patch_embeddings.projection.weight" : "patch_embed.proj.weight",
        gauss(r, d * config.patchValues(), 1 / Math.sqrt(config.patchValues())),
        d,
        config.channels(),
        p,
        p);
    w.add(
        hf ? pre + "embeddings.patch_embeddings.projection.bias" : "patch_embed.proj.bias",
        gauss(r, d, 0.1),
        d);
    w.add(hf ? pre + "embeddings.cls_token" : "cls_token", gauss(r, d, 1), 1, 1, d);
    if (config.distilled()) {
      w.add(hf ? pre + "embeddings.distillation_token" : "dist_token", gauss(r, d, 1), 1, 1, d);
    }
    w.add(
        hf ? pre + "embeddings.position_embeddings" : "pos_embed",
        gauss(r, config.sequenceLength() * d, 0.5),
        1,
        config.sequenceLength(),
        d);
    for (int i = 0; i < config.depth(); i++) {
      String t = "blocks." + i + ".";
      String h = pre + "encoder.layer." + i + ".";
      w.add(hf ? h + "layernorm_before.weight" : t + "norm1.weight", around1(r, d), d);
      w.add(hf ? h + "layernorm_before.bias" : t + "norm1.bias", gauss(r, d, 0.1), d);
      float[] qkvW = gauss(r, 3 * d * d, 1 / Math.sqrt(d));
      float[] qkvB = gauss(r, 3 * d, 0.1);
      if (hf) {
        String[] qkv = {"query", "key", "value"};
        for (int k = 0; k < 3; k++) {
          w.add(
              h + "attention.attention." + qkv[k] + ".weight",
              java.util.Arrays.copyOfRange(qkvW, k * d * d, (k + 1) * d * d),
              d,
              d);
          w.add(
              h + "attention.attention." + qkv[k] + ".bias",
              java.util.Arrays.copyOfRange(qkvB, k * d, (k + 1) * d),
              d);
        }
      } else {
        w.add(t + "attn.qkv.weight", qkvW, 3 * d, d);
        w.add(t + "attn.qkv.bias", qkvB, 3 * d);
      }
      w.add(
          hf ? h + "attention.output.dense.weight" : t + "attn.proj.weight",
          gauss(r, d * d, 1 / Math.sqrt(d)),
          d,
          d);
      w.add(hf ? h + "attention.output.dense.bias" : t + "attn.proj.bias", gauss(r, d, 0.1), d);
      w.add(hf ? h + "layernorm_after.weight" : t + "norm2.weight", around1(r, d), d);
      w.add(hf ? h + "layernorm_after.bias" : t + "norm2.bias", gauss(r, d, 0.1), d);
      w.add(
          hf ? h + "intermediate.dense.weight" : t + "mlp.fc1.weight",
          gauss(r, m * d, 1 / Math.sqrt(d)),
          m,
          d);
      w.add(hf ? h + "intermediate.dense.bias" : t + "mlp.fc1.bias", gauss(r, m, 0.1), m);
      w.add(
          hf ? h + "output.dense.weight" : t + "mlp.fc2.weight",
          gauss(r, d * m, 1 / Math.sqrt(m)),
          d,
          m);
      w.add(hf ? h + "output.dense.bias" : t + "mlp.fc2.bias", gauss(r, d, 0.1), d);
    }
    w.add(hf ? pre + "layernorm.weight" : "norm.weight", around1(r, d), d);
    w.add(hf ? pre + "layernorm.bias" : "norm.bias", gauss(r, d, 0.1), d);
    w.write(file, dtype);
  }

  private static float[] gauss(SplittableRandom r, int n, double sd) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (sd * gaussian(r));
    }
    return a;
  }

  private static float[] around1(SplittableRandom r, int n) {
    float[] a = gauss(r, n, 0.1);
    for (int i = 0; i < n; i++) {
      a[i] += 1;
    }
    return a;
  }

  /** Box-Muller (SplittableRandom has no nextGaussian in Java 17). */
  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
