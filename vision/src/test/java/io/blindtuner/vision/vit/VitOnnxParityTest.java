package io.blindtuner.vision.vit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.blindtuner.vision.safetensors.DType;
import io.blindtuner.vision.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our Java trunk against ONNX Runtime running the same weights through standard ONNX operators. */
class VitOnnxParityTest {
  /** Small layouts: the tiny one, and a distilled one with more heads and blocks. */
  static final VitConfig TINY = new VitConfig("tiny_test", 32, 8, 3, 32, 2, 2, 64, false, 1e-6);

  static final VitConfig DISTILLED =
      new VitConfig("distilled_test", 32, 8, 3, 48, 3, 4, 96, true, 1e-6);

  @TempDir Path dir;

  static float[] image(VitConfig c, long seed) {
    Random r = new Random(seed);
    float[] x = new float[c.channels() * c.imageSize() * c.imageSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 1.5);
    }
    return x;
  }

  static VitWeights load(Path file, VitConfig c) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return VitWeights.load(f, c);
    }
  }

  private static float[] onnx(VitWeights w, float[] image) throws OrtException {
    VitConfig c = w.config();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(OnnxVitGraph.build(w), opts);
          OnnxTensor in =
              OnnxTensor.createTensor(
                  env,
                  FloatBuffer.wrap(image),
                  new long[] {1, c.channels(), c.imageSize(), c.imageSize()});
          OrtSession.Result r = session.run(Map.of("image", in))) {
        float[][][] t = (float[][][]) r.get(0).getValue();
        float[] flat = new float[c.sequenceLength() * c.dim()];
        for (int s = 0; s < c.sequenceLength(); s++) {
          System.arraycopy(t[0][s], 0, flat, s * c.dim(), c.dim());
        }
        return flat;
      }
    }
  }

  private void matchesOnnxRuntime(VitConfig c, long seed) throws Exception {
    Path f = dir.resolve(c.name() + ".safetensors");
    RandomVitWeights.write(f, c, seed, false, DType.F32);
    VitWeights w = load(f, c);
    VitModel model = new VitModel(w);
    double worst = 0;
    double spread = 0;
    for (int k = 0; k < 3; k++) {
      float[] img = image(c, seed * 10 + k);
      float[] ours = model.forward(img);
      float[] ref = onnx(w, img);
      assertThat(ours).hasSameSizeAs(ref);
      for (int i = 0; i < ours.length; i++) {
        worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
        spread = Math.max(spread, Math.abs(ref[i]));
      }
    }
    // float32 through a few blocks of width <= 96 accumulates rounding of order 1e-6 (measured:
    // 2.4e-6 tiny,
    // 3.3e-6 distilled); 1e-4 is the agreed bound
    assertThat(worst).as("max abs error vs ONNX Runtime, " + c.name()).isLessThan(1e-4);
    // the comparison is not vacuous: outputs after the final LayerNorm are of order one
    assertThat(spread).isGreaterThan(0.5);
  }

  @Test
  void tinyLayoutMatchesOnnxRuntime() throws Exception {
    matchesOnnxRuntime(TINY, 1);
  }

  @Test
  void distilledLayoutMatchesOnnxRuntime() throws Exception {
    matchesOnnxRuntime(DISTILLED, 2);
  }

  @Test
  void huggingFaceNamesGiveTheSameTrunkAsTimmNames() throws Exception {
    for (VitConfig c : new VitConfig[] {TINY, DISTILLED}) {
      Path timm = dir.resolve("timm.safetensors");
      Path hf = dir.resolve("hf.safetensors");
      RandomVitWeights.write(timm, c, 7, false, DType.F32);
      RandomVitWeights.write(hf, c, 7, true, DType.F32);
      VitWeights a = load(timm, c);
      VitWeights b = load(hf, c);
      assertThat(a.naming()).isEqualTo("timm");
      assertThat(b.naming())
          .startsWith("hugging face (prefix '" + (c.distilled() ? "deit." : "vit."));
      float[] img = image(c, 3);
      assertThat(new VitModel(b).forward(img)).isEqualTo(new VitModel(a).forward(img));
    }
  }

  @Test
  void halfPrecisionFilesLoadAndStayClose() throws Exception {
    Path f32 = dir.resolve("f32.safetensors");
    RandomVitWeights.write(f32, TINY, 5, false, DType.F32);
    float[] img = image(TINY, 4);
    float[] ref = new VitModel(load(f32, TINY)).forward(img);
    for (DType t : new DType[] {DType.F16, DType.BF16}) {
      Path f = dir.resolve(t + ".safetensors");
      RandomVitWeights.write(f, TINY, 5, false, t);
      VitWeights w = load(f, TINY);
      // every loaded value is the float-rounded weight: relative error 2^-11 (F16) or 2^-8 (BF16)
      float[] a = load(f32, TINY).blocks().get(0).qkvWeight();
      float[] b = w.blocks().get(0).qkvWeight();
      double rel = t == DType.F16 ? 0x1p-11 : 0x1p-8;
      for (int i = 0; i < a.length; i++) {
        assertThat((double) Math.abs(a[i] - b[i])).isLessThanOrEqualTo(rel * Math.abs(a[i]) + 1e-7);
      }
      float[] out = new VitModel(w).forward(img);
      double worst = 0;
      for (int i = 0; i < out.length; i++) {
        worst = Math.max(worst, Math.abs(out[i] - ref[i]));
      }
      assertThat(worst).as(t.name()).isGreaterThan(0).isLessThan(t == DType.F16 ? 0.05 : 0.5);
    }
  }

  @Test
  void infersTheArchitectureFromTheFile() throws Exception {
    for (VitConfig c : new VitConfig[] {TINY, DISTILLED}) {
      for (boolean hf : new boolean[] {false, true}) {
        Path f = dir.resolve("i.safetensors");
        RandomVitWeights.write(f, c, 9, hf, DType.F32);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
          VitConfig got = VitWeights.inferConfig(s);
          assertThat(got.withEps(c.eps()))
              .isEqualTo(
                  new VitConfig(
                      "vit_custom",
                      c.imageSize(),
                      c.patchSize(),
                      c.channels(),
                      c.dim(),
                      c.depth(),
                      c.heads(),
                      c.mlpDim(),
                      c.distilled(),
                      c.eps()));
        }
      }
    }
  }
}
