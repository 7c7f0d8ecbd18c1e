package io.blindtuner.vision.vit;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX ModelProto (opset 17) of the ViT/DeiT trunk from {@link VitWeights}, written
 * independently of {@link VitModel}: standard ONNX operators only (Conv for the patches, MatMul/Add
 * for linear layers, LayerNorm decomposed into ReduceMean/Sub/Mul/Sqrt/Div, Softmax attention, GELU
 * from Erf), so ONNX Runtime can check our trunk. Input "image" (1, C, H, W); output "tokens" (1,
 * S, D), after the final LayerNorm.
 */
final class OnnxVitGraph {
  // ONNX field numbers (onnx.proto3)
  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  private final List<Protobuf> nodes = new ArrayList<>();
  private final List<Protobuf> inits = new ArrayList<>();
  private int counter;

  private OnnxVitGraph() {}

  static byte[] build(VitWeights w) {
    return new OnnxVitGraph().model(w);
  }

  private byte[] model(VitWeights w) {
    VitConfig c = w.config();
    int d = c.dim();
    int s = c.sequenceLength();
    int hd = c.headDim();
    int heads = c.heads();
    int p = c.patchSize();
    String wp = init(w.patchWeight(), d, c.channels(), p, p);
    String bp = init(w.patchBias(), d);
    String conv =
        node("Conv", List.of("image", wp, bp), ints("kernel_shape", p, p), ints("strides", p, p));
    String flat = node("Reshape", List.of(conv, shape(1, d, c.patches())));
    String seq = node("Transpose", List.of(flat), ints("perm", 0, 2, 1));
    List<String> parts = new ArrayList<>();
    parts.add(init(w.clsToken(), 1, 1, d));
    if (c.distilled()) {
      parts.add(init(w.distToken(), 1, 1, d));
    }
    parts.add(seq);
    String x = node("Concat", parts, intAttr("axis", 1));
    x = node("Add", List.of(x, init(w.posEmbed(), 1, s, d)));
    String scale = scalar((float) (1 / Math.sqrt(hd)));
    String eps = scalar((float) c.eps());
    for (VitWeights.Block b : w.blocks()) {
      String h = layerNorm(x, b.norm1Weight(), b.norm1Bias(), eps, d);
      String qkv =
          node(
              "Add",
              List.of(
                  node("MatMul", List.of(h, init(transpose(b.qkvWeight(), 3 * d, d), d, 3 * d))),
                  init(b.qkvBias(), 3 * d)));
      String r5 = node("Reshape", List.of(qkv, shape(1, s, 3, heads, hd)));
      String t5 = node("Transpose", List.of(r5), ints("perm", 2, 0, 3, 1, 4));
      String q = node("Gather", List.of(t5, index(0)), intAttr("axis", 0));
      String k = node("Gather", List.of(t5, index(1)), intAttr("axis", 0));
      String v = node("Gather", List.of(t5, index(2)), intAttr("axis", 0));
      String kt = node("Transpose", List.of(k), ints("perm", 0, 1, 3, 2));
      String att =
          node(
              "Softmax",
              List.of(node("Mul", List.of(node("MatMul", List.of(q, kt)), scale))),
              intAttr("axis", -1));
      String o = node("MatMul", List.of(att, v));
      String merged =
          node(
              "Reshape",
              List.of(node("Transpose", List.of(o), ints("perm", 0, 2, 1, 3)), shape(1, s, d)));
      String proj =
          node(
              "Add",
              List.of(
                  node("MatMul", List.of(merged, init(transpose(b.projWeight(), d, d), d, d))),
                  init(b.projBias(), d)));
      x = node("Add", List.of(x, proj));
      String h2 = layerNorm(x, b.norm2Weight(), b.norm2Bias(), eps, d);
      int m = c.mlpDim();
      String f1 =
          node(
              "Add",
              List.of(
                  node("MatMul", List.of(h2, init(transpose(b.fc1Weight(), m, d), d, m))),
                  init(b.fc1Bias(), m)));
      String erf = node("Erf", List.of(node("Div", List.of(f1, scalar((float) Math.sqrt(2))))));
      String gelu =
          node(
              "Mul",
              List.of(
                  node("Mul", List.of(f1, node("Add", List.of(erf, scalar(1f))))), scalar(0.5f)));
      String f2 =
          node(
              "Add",
              List.of(
                  node("MatMul", List.of(gelu, init(transpose(b.fc2Weight(), d, m), m, d))),
                  init(b.fc2Bias(), d)));
      x = node("Add", List.of(x, f2));
    }
    String out = layerNorm(x, w.normWeight(), w.normBias(), eps, d);
    nodes.add(new Protobuf().string(1, out).string(2, "tokens").string(4, "Identity"));

    Protobuf graph = new Protobuf();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, "vit_trunk");
    inits.forEach(t -> graph.message(5, t));
    graph.message(11, valueInfo("image", 1, c.channels(), c.imageSize(), c.imageSize()));
    graph.message(12, valueInfo("tokens", 1, s, d));
    return new Protobuf()
        .int64(1, 8)
        .string(2, "blindtuner-test")
        .message(8, new Protobuf().string(1, "").int64(2, 17))
        .message(7, graph)
        .toByteArray();
  }

  /** (x - mean) / sqrt(var + eps) * w + b over the last axis. */
  private String layerNorm(String x, float[] w, float[] b, String eps, int d) {
    String mean = node("ReduceMean", List.of(x), ints("axes", -1));
    String centred = node("Sub", List.of(x, mean));
    String var =
        node("ReduceMean", List.of(node("Mul", List.of(centred, centred))), ints("axes", -1));
    String sd = node("Sqrt", List.of(node("Add", List.of(var, eps))));
    String norm = node("Div", List.of(centred, sd));
    return node("Add", List.of(node("Mul", List.of(norm, init(w, d))), init(b, d)));
  }

  private static float[] transpose(float[] w, int out, int in) {
    float[] t = new float[w.length];
    for (int o = 0; o < out; o++) {
      for (int k = 0; k < in; k++) {
        t[k * out + o] = w[o * in + k];
      }
    }
    return t;
  }

  private String node(String op, List<String> inputs, Protobuf... attrs) {
    String out = op.toLowerCase() + "_" + counter++;
    Protobuf n = new Protobuf();
    inputs.forEach(i -> n.string(1, i));
    n.string(2, out).string(3, out).string(4, op);
    for (Protobuf a : attrs) {
      n.message(5, a);
    }
    nodes.add(n);
    return out;
  }

  private static Protobuf ints(String name, long... v) {
    Protobuf a = new Protobuf().string(1, name);
    for (long x : v) {
      a.int64(8, x);
    }
    return a.int64(20, 7);
  }

  private static Protobuf intAttr(String name, long v) {
    return new Protobuf().string(1, name).int64(3, v).int64(20, 2);
  }

  private String init(float[] v, long... dims) {
    String name = "w_" + counter++;
    Protobuf t = new Protobuf();
    for (long x : dims) {
      t.int64(1, x);
    }
    inits.add(t.int64(2, FLOAT).string(8, name).bytes(9, Protobuf.floatsLe(v)));
    return name;
  }

  private String scalar(float v) {
    return init(new float[] {v});
  }

  private String longs(long[] v, long... dims) {
    String name = "i_" + counter++;
    Protobuf t = new Protobuf();
    for (long x : dims) {
      t.int64(1, x);
    }
    inits.add(t.int64(2, INT64).string(8, name).bytes(9, Protobuf.longsLe(v)));
    return name;
  }

  private String shape(long... v) {
    return longs(v, v.length);
  }

  private String index(long i) {
    return longs(new long[] {i});
  }

  private static Protobuf valueInfo(String name, long... dims) {
    Protobuf shape = new Protobuf();
    for (long x : dims) {
      shape.message(1, new Protobuf().int64(1, x));
    }
    Protobuf tensor = new Protobuf().int64(1, FLOAT).message(2, shape);
    return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensor));
  }
}
