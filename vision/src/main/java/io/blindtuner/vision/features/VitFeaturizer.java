package io.blindtuner.vision.features;

import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.preprocess.DeitPreprocessor;
import io.blindtuner.vision.vit.VitConfig;
import io.blindtuner.vision.vit.VitModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Tokens from a frozen DeiT/ViT trunk: the class token, the distillation token if the trunk has
 * one, and the patch tokens average-pooled over a {@code grid x grid} partition of the patch grid
 * (adaptive pooling: cell i spans patches floor(i*g/grid) to ceil((i+1)*g/grid)), all after the
 * trunk's final LayerNorm. T = 1 (+1) + grid^2, d = the trunk width. Images are processed in
 * parallel, one per thread, each thread with its own buffers.
 */
public final class VitFeaturizer implements Featurizer {
  private final VitModel model;
  private final DeitPreprocessor pre;
  private final int grid;
  private final int threads;
  private final String source;

  /**
   * @param model the trunk
   * @param grid pooled patch tokens per side (0 for none: class and distillation tokens only)
   * @param threads worker threads (images in parallel)
   * @param source where the weights came from, for descriptions (e.g. the file name)
   * @throws IllegalArgumentException if the grid is negative or larger than the patch grid, or
   *     threads &lt; 1
   */
  public VitFeaturizer(VitModel model, int grid, int threads, String source) {
    VitConfig c = model.config();
    if (grid < 0 || grid > c.grid()) {
      throw new IllegalArgumentException("pooling grid " + grid + " must be in 0.." + c.grid());
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.model = model;
    this.pre = new DeitPreprocessor(c.imageSize());
    this.grid = grid;
    this.threads = threads;
    this.source = source;
  }

  @Override
  public String name() {
    return "vit trunk (" + model.config().name() + ")";
  }

  @Override
  public String description() {
    VitConfig c = model.config();
    return name()
        + ": weights "
        + source
        + " ("
        + model.weights().naming()
        + " names), dim "
        + c.dim()
        + ", depth "
        + c.depth()
        + ", heads "
        + c.heads()
        + ", input "
        + c.imageSize()
        + " bicubic + ImageNet norm, tokens: cls"
        + (c.distilled() ? " + dist" : "")
        + " + "
        + grid
        + "x"
        + grid
        + " pooled patches";
  }

  @Override
  public int tokens() {
    return model.config().prefixTokens() + grid * grid;
  }

  @Override
  public int dim() {
    return model.config().dim();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if a worker fails or the thread is interrupted
   */
  @Override
  public FeatureSet featurize(ImageSplit split, IntConsumer progress) {
    int t = tokens();
    int d = dim();
    float[] out = FeatureSet.allocate(split.name(), split.n(), t, d);
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(threads, Math.max(1, split.n()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            workers,
            r -> {
              Thread th = new Thread(r, "vit-featurizer");
              th.setDaemon(true);
              return th;
            });
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int k = 0; k < workers; k++) {
        jobs.add(
            pool.submit(
                () -> {
                  VitConfig c = model.config();
                  VitModel.Workspace ws = new VitModel.Workspace(c);
                  float[] image = new float[3 * c.imageSize() * c.imageSize()];
                  byte[] scratch = new byte[pre.scratchBytes(split.channels())];
                  float[] tokens = new float[c.sequenceLength() * d];
                  for (int i; (i = next.getAndIncrement()) < split.n(); ) {
                    pre.apply(split, i, scratch, image);
                    model.forward(image, ws, tokens);
                    pool(tokens, out, i * t * d);
                    progress.accept(1);
                  }
                }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while featurizing " + split.name(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "featurizing " + split.name() + " failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return new FeatureSet(split.name(), split.n(), t, d, out, split.labels().clone());
  }

  /** Copies the prefix tokens and writes the pooled patch tokens of one image at out[o...]. */
  void pool(float[] tokens, float[] out, int o) {
    VitConfig c = model.config();
    int d = c.dim();
    int prefix = c.prefixTokens();
    int g = c.grid();
    System.arraycopy(tokens, 0, out, o, prefix * d);
    for (int gy = 0; gy < grid; gy++) {
      int y0 = gy * g / grid;
      int y1 = ((gy + 1) * g + grid - 1) / grid;
      for (int gx = 0; gx < grid; gx++) {
        int x0 = gx * g / grid;
        int x1 = ((gx + 1) * g + grid - 1) / grid;
        int dst = o + (prefix + gy * grid + gx) * d;
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            int src = (prefix + y * g + x) * d;
            for (int j = 0; j < d; j++) {
              out[dst + j] += tokens[src + j];
            }
          }
        }
        float inv = 1f / ((y1 - y0) * (x1 - x0));
        for (int j = 0; j < d; j++) {
          out[dst + j] *= inv;
        }
      }
    }
  }
}
