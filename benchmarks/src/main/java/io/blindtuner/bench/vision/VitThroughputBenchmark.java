package io.blindtuner.bench.vision;

import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.features.VitFeaturizer;
import io.blindtuner.vision.safetensors.DType;
import io.blindtuner.vision.safetensors.SafetensorsFile;
import io.blindtuner.vision.vit.RandomVitWeights;
import io.blindtuner.vision.vit.VitConfig;
import io.blindtuner.vision.vit.VitModel;
import io.blindtuner.vision.vit.VitWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Images per second of the Java DeiT trunk at 224x224 with DeiT-tiny's shape (random weights: speed
 * does not depend on the values). {@code forward}: one trunk pass per call on each JMH thread, each
 * with its own buffers (ops/s = images/s; add {@code -t 2} for both cores). {@code featurize}: the
 * hospital path end to end (bicubic resize of a 28x28 image, normalisation, trunk, pooling) on a
 * batch of {@value #BATCH} images with one worker per core; images/s = ops/s x {@value #BATCH}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar VitThroughputBenchmark} (and {@code
 * VitThroughputBenchmark.forward -t 2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(
    value = 1,
    jvmArgs = {"-Xms2g", "-Xmx2g"})
public class VitThroughputBenchmark {
  static final int BATCH = 16;

  @Param({"deit_tiny_patch16_224"})
  public String arch;

  private VitModel model;
  private VitFeaturizer featurizer;
  private ImageSplit batch;
  private float[] image;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    VitConfig c = VitConfig.preset(arch);
    Path f = Files.createTempFile("bench-" + arch, ".safetensors");
    try {
      RandomVitWeights.write(f, c, 1, false, DType.F32);
      try (SafetensorsFile s = SafetensorsFile.open(f)) {
        model = new VitModel(VitWeights.load(s, c));
      }
    } finally {
      Files.deleteIfExists(f);
    }
    featurizer = new VitFeaturizer(model, 2, Runtime.getRuntime().availableProcessors(), "random");
    Random r = new Random(1);
    byte[] px = new byte[BATCH * 28 * 28];
    r.nextBytes(px);
    batch = new ImageSplit("bench", BATCH, 28, 28, 1, px, new int[BATCH]);
    image = new float[3 * c.imageSize() * c.imageSize()];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) r.nextGaussian();
    }
  }

  /** Per-thread buffers for {@link #forward}. */
  @State(Scope.Thread)
  public static class Buffers {
    VitModel.Workspace ws;
    float[] out;

    @Setup(Level.Trial)
    public void setup(VitThroughputBenchmark b) {
      ws = new VitModel.Workspace(b.model.config());
      out = new float[b.model.config().sequenceLength() * b.model.config().dim()];
    }
  }

  @Benchmark
  public float[] forward(Buffers buf) {
    model.forward(image, buf.ws, buf.out);
    return buf.out;
  }

  @Benchmark
  public float[] featurize() {
    return featurizer.featurize(batch, k -> {}).values();
  }
}
