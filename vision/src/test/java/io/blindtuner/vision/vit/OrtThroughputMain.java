package io.blindtuner.vision.vit;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.blindtuner.vision.safetensors.DType;
import io.blindtuner.vision.safetensors.SafetensorsFile;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark script (not a unit test): images per second of ONNX Runtime on the same DeiT graph our
 * parity test builds, beside our Java trunk, in one process so both see the same machine load. Each
 * figure is the median of 5 timed rounds of {@code images} forward passes after 2 warm-up rounds.
 * Java with 2 threads runs one image per thread (as the featurizer does); ONNX Runtime with 2
 * threads uses its intra-op parallelism. Beside wall time it reports process CPU milliseconds per
 * image (all threads, native ones included), which a shared, overloaded machine disturbs much less
 * than wall time: 1000 / (CPU ms per image) is images/s per free core.
 *
 * <p>Run from the project root after {@code mvn -o -pl vision test-compile}:
 *
 * <pre>
 * java -cp vision/target/classes:vision/target/test-classes:$HOME/.m2/repository/com/microsoft/onnxruntime/\
 * onnxruntime/1.29.0/onnxruntime-1.29.0.jar io.blindtuner.vision.vit.OrtThroughputMain [arch] [images]
 * </pre>
 */
public final class OrtThroughputMain {
  private OrtThroughputMain() {}

  interface Round {
    void run() throws Exception;
  }

  /** Median images/s (wall) and median process CPU ms per image over 5 rounds. */
  static double[] measure(int images, Round round) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int i = 0; i < 2; i++) {
      round.run();
    }
    double[] rates = new double[5];
    double[] cpu = new double[5];
    for (int i = 0; i < rates.length; i++) {
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      round.run();
      rates[i] = images / ((System.nanoTime() - t0) / 1e9);
      cpu[i] = (os.getProcessCpuTime() - c0) / 1e6 / images;
    }
    Arrays.sort(rates);
    Arrays.sort(cpu);
    return new double[] {rates[2], cpu[2]};
  }

  public static void main(String[] args) throws Exception {
    String arch = args.length > 0 ? args[0] : "deit_tiny_patch16_224";
    int images = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    VitConfig c = VitConfig.preset(arch);
    Path f = Files.createTempFile("ort-bench", ".safetensors");
    VitWeights w;
    try {
      RandomVitWeights.write(f, c, 1, false, DType.F32);
      try (SafetensorsFile s = SafetensorsFile.open(f)) {
        w = VitWeights.load(s, c);
      }
    } finally {
      Files.deleteIfExists(f);
    }
    VitModel model = new VitModel(w);
    Random r = new Random(1);
    float[] image = new float[3 * c.imageSize() * c.imageSize()];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) r.nextGaussian();
    }
    byte[] graph = OnnxVitGraph.build(w);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    StringBuilder json =
        new StringBuilder("{\"arch\": \"" + arch + "\", \"images_per_round\": " + images);
    for (int threads : new int[] {1, 2}) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<VitModel.Workspace> ws = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        ws.add(new VitModel.Workspace(c));
      }
      double[] jv =
          measure(
              images,
              () -> {
                List<Future<?>> jobs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                  VitModel.Workspace mine = ws.get(t);
                  int share = images / threads;
                  jobs.add(
                      pool.submit(
                          () -> {
                            float[] out = new float[c.sequenceLength() * c.dim()];
                            for (int i = 0; i < share; i++) {
                              model.forward(image, mine, out);
                            }
                          }));
                }
                for (Future<?> j : jobs) {
                  j.get();
                }
              });
      pool.shutdown();
      double[] ort;
      try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
        opts.setIntraOpNumThreads(threads);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OrtSession session = env.createSession(graph, opts);
            OnnxTensor in =
                OnnxTensor.createTensor(
                    env,
                    FloatBuffer.wrap(image),
                    new long[] {1, c.channels(), c.imageSize(), c.imageSize()})) {
          ort =
              measure(
                  images,
                  () -> {
                    for (int i = 0; i < images; i++) {
                      try (OrtSession.Result res = session.run(Map.of("image", in))) {
                        res.get(0);
                      }
                    }
                  });
        }
      }
      json.append(
          String.format(
              java.util.Locale.ROOT,
              ", \"java_%1$dt_images_per_s\": %2$.2f, \"java_%1$dt_cpu_ms_per_image\": "
                  + "%3$.1f, \"onnxruntime_%1$dt_images_per_s\": %4$.2f, \"onnxruntime_%1$dt_cpu_ms_per_image\": %5$.1f",
              threads,
              jv[0],
              jv[1],
              ort[0],
              ort[1]));
      System.err.printf(
          java.util.Locale.ROOT,
          "%d thread(s): java %.2f img/s (%.1f CPU ms/img), onnxruntime %.2f img/s (%.1f CPU ms/img)%n",
          threads,
          jv[0],
          jv[1],
          ort[0],
          ort[1]);
    }
    System.out.println(json.append('}'));
  }
}
