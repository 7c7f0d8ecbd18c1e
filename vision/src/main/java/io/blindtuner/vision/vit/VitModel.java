package io.blindtuner.vision.vit;

import java.util.List;

/**
 * A ViT/DeiT trunk in plain Java: patch embedding (the 16x16 stride-16 convolution as a matrix
 * product), class token (and distillation token), position embedding, pre-norm blocks (multi-head
 * self-attention, MLP with exact GELU), final LayerNorm. Immutable and thread-safe; each thread
 * passes its own {@link Workspace}.
 */
public final class VitModel {
  private final VitConfig c;
  private final VitWeights w;
  private final float[][] patchWt;
  private final float[][] pos;
  private final List<float[][][]> blockWt;

  /** Builds the model, transposing weights once into the kernels' layout. */
  public VitModel(VitWeights weights) {
    this.w = weights;
    this.c = weights.config();
    int d = c.dim();
    int m = c.mlpDim();
    this.patchWt = Kernels.transpose(weights.patchWeight(), d, c.patchValues());
    this.pos = new float[c.sequenceLength()][d];
    for (int i = 0; i < c.sequenceLength(); i++) {
      System.arraycopy(weights.posEmbed(), i * d, pos[i], 0, d);
    }
    this.blockWt =
        weights.blocks().stream()
            .map(
                b ->
                    new float[][][] {
                      Kernels.transpose(b.qkvWeight(), 3 * d, d),
                      Kernels.transpose(b.projWeight(), d, d),
                      Kernels.transpose(b.fc1Weight(), m, d),
                      Kernels.transpose(b.fc2Weight(), d, m)
                    })
            .toList();
  }

  public VitConfig config() {
    return c;
  }

  public VitWeights weights() {
    return w;
  }

  /** Scratch buffers for one forward pass at a time (one per thread). */
  public static final class Workspace {
    final float[][] patches;
    final float[][] x;
    final float[][] h;
    final float[][] qkv;
    final float[][] attn;
    final float[][] q;
    final float[][] kt;
    final float[][] v;
    final float[][] scores;
    final float[][] o;
    final float[] zeros;
    final float[][] mlp;

    public Workspace(VitConfig c) {
      int s = c.sequenceLength();
      int d = c.dim();
      patches = new float[c.patches()][c.patchValues()];
      x = new float[s][d];
      h = new float[s][d];
      qkv = new float[s][3 * d];
      attn = new float[s][d];
      q = new float[s][c.headDim()];
      kt = new float[c.headDim()][s];
      v = new float[s][c.headDim()];
      scores = new float[s][s];
      o = new float[s][c.headDim()];
      zeros = new float[Math.max(s, c.headDim())];
      mlp = new float[s][c.mlpDim()];
    }
  }

  /**
   * Runs the trunk on one image.
   *
   * @param image {@code channels x imageSize x imageSize} floats (CHW), already normalised
   * @param ws this thread's workspace
   * @param out receives {@code sequenceLength x dim} floats: the final-normed tokens, class token
   *     first, then the distillation token if any, then patches row by row
   * @throws IllegalArgumentException if an array has the wrong length
   */
  public void forward(float[] image, Workspace ws, float[] out) {
    int s = c.sequenceLength();
    int d = c.dim();
    int g = c.grid();
    int p = c.patchSize();
    int size = c.imageSize();
    if (image.length != c.channels() * size * size || out.length != s * d) {
      throw new IllegalArgumentException(
          "image must hold "
              + c.channels() * size * size
              + " values and out "
              + s * d
              + "; got "
              + image.length
              + " and "
              + out.length);
    }
    // im2col: row n = patch (py, px), columns in the convolution weight's (channel, y, x) order
    for (int py = 0; py < g; py++) {
      for (int px = 0; px < g; px++) {
        float[] row = ws.patches[py * g + px];
        for (int ch = 0; ch < c.channels(); ch++) {
          for (int y = 0; y < p; y++) {
            System.arraycopy(
                image, (ch * size + py * p + y) * size + px * p, row, (ch * p + y) * p, p);
          }
        }
      }
    }
    int prefix = c.prefixTokens();
    // patch embeddings land in rows prefix.. of x (x's first rows are views shifted by the prefix)
    float[][] patchRows = java.util.Arrays.copyOfRange(ws.x, prefix, s);
    Kernels.linear(
        ws.patches, c.patches(), c.patchValues(), patchWt, w.patchBias(), d, patchRows, false);
    System.arraycopy(w.clsToken(), 0, ws.x[0], 0, d);
    if (c.distilled()) {
      System.arraycopy(w.distToken(), 0, ws.x[1], 0, d);
    }
    for (int i = 0; i < s; i++) {
      float[] xi = ws.x[i];
      float[] pi = pos[i];
      for (int j = 0; j < d; j++) {
        xi[j] += pi[j];
      }
    }
    for (int b = 0; b < c.depth(); b++) {
      block(w.blocks().get(b), blockWt.get(b), ws);
    }
    Kernels.layerNorm(ws.x, s, d, w.normWeight(), w.normBias(), c.eps(), ws.h);
    for (int i = 0; i < s; i++) {
      System.arraycopy(ws.h[i], 0, out, i * d, d);
    }
  }

  /** Allocating convenience form of {@link #forward(float[], Workspace, float[])}. */
  public float[] forward(float[] image) {
    float[] out = new float[c.sequenceLength() * c.dim()];
    forward(image, new Workspace(c), out);
    return out;
  }

  private void block(VitWeights.Block b, float[][][] wt, Workspace ws) {
    int s = c.sequenceLength();
    int d = c.dim();
    int m = c.mlpDim();
    Kernels.layerNorm(ws.x, s, d, b.norm1Weight(), b.norm1Bias(), c.eps(), ws.h);
    Kernels.linear(ws.h, s, d, wt[0], b.qkvBias(), 3 * d, ws.qkv, false);
    attention(ws);
    Kernels.linear(ws.attn, s, d, wt[1], b.projBias(), d, ws.x, true);
    Kernels.layerNorm(ws.x, s, d, b.norm2Weight(), b.norm2Bias(), c.eps(), ws.h);
    Kernels.linear(ws.h, s, d, wt[2], b.fc1Bias(), m, ws.mlp, false);
    for (float[] row : ws.mlp) {
      for (int i = 0; i < m; i++) {
        row[i] = Erf.gelu(row[i]);
      }
    }
    Kernels.linear(ws.mlp, s, m, wt[3], b.fc2Bias(), d, ws.x, true);
  }

  /**
   * Multi-head self-attention from ws.qkv (rows: q, k, v with heads side by side) into ws.attn. Per
   * head, the scores Q K^T and the output P V are products run by the same 4-row kernel as the
   * linear layers, on copies of the head's slices (Q pre-scaled by 1/sqrt(head dim), K transposed).
   */
  private void attention(Workspace ws) {
    int s = c.sequenceLength();
    int d = c.dim();
    int hd = c.headDim();
    float scale = (float) (1 / Math.sqrt(hd));
    for (int h = 0; h < c.heads(); h++) {
      int qo = h * hd;
      int ko = d + h * hd;
      int vo = 2 * d + h * hd;
      for (int j = 0; j < s; j++) {
        float[] row = ws.qkv[j];
        float[] qj = ws.q[j];
        for (int e = 0; e < hd; e++) {
          qj[e] = row[qo + e] * scale;
          ws.kt[e][j] = row[ko + e];
        }
        System.arraycopy(row, vo, ws.v[j], 0, hd);
      }
      Kernels.linear(ws.q, s, hd, ws.kt, ws.zeros, s, ws.scores, false);
      for (float[] row : ws.scores) {
        Kernels.softmax(row, s);
      }
      Kernels.linear(ws.scores, s, s, ws.v, ws.zeros, hd, ws.o, false);
      for (int i = 0; i < s; i++) {
        System.arraycopy(ws.o[i], 0, ws.attn[i], qo, hd);
      }
    }
  }
}
