package io.blindtuner.vision.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.vision.MalformedFileException;
import io.blindtuner.vision.safetensors.DType;
import io.blindtuner.vision.safetensors.SafetensorsFile;
import io.blindtuner.vision.safetensors.SafetensorsWriter;
import io.blindtuner.vision.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VitWeightsTest {
  private static final VitConfig TINY = VitOnnxParityTest.TINY;
  private static final VitConfig DISTILLED = VitOnnxParityTest.DISTILLED;

  @TempDir Path dir;

  /**
   * Rewrites {@code src} without the tensors in {@code drop} and with the shapes in {@code reshape}
   * changed.
   */
  private Path rewrite(Path src, Set<String> drop, Map<String, long[]> reshape) throws IOException {
    Path out = dir.resolve("rewritten.safetensors");
    SafetensorsWriter w = new SafetensorsWriter();
    try (SafetensorsFile f = SafetensorsFile.open(src)) {
      f.metadata().forEach(w::metadata);
      for (TensorInfo t : f.tensors().values()) {
        if (drop.contains(t.name())) {
          continue;
        }
        long[] shape = reshape.getOrDefault(t.name(), t.shape());
        float[] v = f.readFloats(t.name());
        long n = 1;
        for (long s : shape) {
          n *= s;
        }
        w.add(t.name(), java.util.Arrays.copyOf(v, (int) n), shape);
      }
    }
    w.write(out, DType.F32);
    return out;
  }

  private Path good(VitConfig c, boolean hf) throws IOException {
    Path f = dir.resolve("good.safetensors");
    RandomVitWeights.write(f, c, 3, hf, DType.F32);
    return f;
  }

  @Test
  void loadsGoodFilesAndIgnoresClassifierHeads() throws IOException {
    Path f = good(TINY, false);
    SafetensorsWriter w = new SafetensorsWriter();
    try (SafetensorsFile s = SafetensorsFile.open(f)) {
      for (TensorInfo t : s.tensors().values()) {
        w.add(t.name(), s.readFloats(t.name()), t.shape());
      }
    }
    w.add("head.weight", new float[10 * TINY.dim()], 10, TINY.dim())
        .add("head.bias", new float[10], 10);
    Path withHead = dir.resolve("head.safetensors");
    w.write(withHead, DType.F32);
    VitWeights a = VitOnnxParityTest.load(f, TINY);
    VitWeights b = VitOnnxParityTest.load(withHead, TINY);
    assertThat(b.blocks()).hasSize(TINY.depth());
    assertThat(b.posEmbed()).isEqualTo(a.posEmbed());
  }

  @Test
  void acceptsHuggingFaceNamesWithoutModelPrefix() throws IOException {
    Path hf = good(TINY, true);
    Path bare = dir.resolve("bare.safetensors");
    SafetensorsWriter w = new SafetensorsWriter();
    try (SafetensorsFile s = SafetensorsFile.open(hf)) {
      for (TensorInfo t : s.tensors().values()) {
        w.add(t.name().substring("vit.".length()), s.readFloats(t.name()), t.shape());
      }
    }
    w.write(bare, DType.F32);
    VitWeights a = VitOnnxParityTest.load(hf, TINY);
    VitWeights b = VitOnnxParityTest.load(bare, TINY);
    assertThat(b.naming()).isEqualTo("hugging face (prefix '')");
    assertThat(b.blocks().get(1).qkvWeight()).isEqualTo(a.blocks().get(1).qkvWeight());
  }

  @Test
  void refusesMissingTensorsNamingEachOne() throws IOException {
    Path f =
        rewrite(
            good(TINY, false),
            Set.of("blocks.1.attn.qkv.weight", "norm.bias", "pos_embed"),
            Map.of());
    assertThatThrownBy(() -> VitOnnxParityTest.load(f, TINY))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("3 problem(s)")
        .hasMessageContaining("blocks.1.attn.qkv.weight: missing (expected shape [96, 32])")
        .hasMessageContaining("norm.bias: missing (expected shape [32])")
        .hasMessageContaining("pos_embed: missing (expected shape [1, 17, 32])");
  }

  @Test
  void refusesMisShapedTensorsNamingEachOne() throws IOException {
    Path f =
        rewrite(
            good(TINY, true),
            Set.of(),
            Map.of(
                "vit.encoder.layer.0.attention.attention.key.weight", new long[] {32, 16},
                "vit.encoder.layer.1.intermediate.dense.bias", new long[] {63}));
    assertThatThrownBy(() -> VitOnnxParityTest.load(f, TINY))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("2 problem(s)")
        .hasMessageContaining(
            "vit.encoder.layer.0.attention.attention.key.weight: shape [32, 16], expected [32, 32]")
        .hasMessageContaining(
            "vit.encoder.layer.1.intermediate.dense.bias: shape [63], expected [64]");
  }

  @Test
  void refusesAFileOfAnotherArchitecture() throws IOException {
    Path distilled = good(DISTILLED, false);
    VitConfig wrong = new VitConfig("x", 32, 8, 3, 48, 3, 4, 96, false, 1e-6);
    assertThatThrownBy(() -> VitOnnxParityTest.load(distilled, wrong))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("pos_embed: shape [1, 18, 48], expected [1, 17, 48]")
        .hasMessageContaining("dist_token: present");
    Path tiny = good(TINY, false);
    assertThatThrownBy(() -> VitOnnxParityTest.load(tiny, DISTILLED))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("dist_token: missing");
    assertThatThrownBy(
            () -> VitOnnxParityTest.load(tiny, VitConfig.preset("deit_tiny_patch16_224")))
        .hasMessageContaining(
            "patch_embed.proj.weight: shape [32, 3, 8, 8], expected [192, 3, 16, 16]");
  }

  @Test
  void refusesAFileWithNeitherNaming() throws IOException {
    Path f = dir.resolve("other.safetensors");
    new SafetensorsWriter().add("conv1.weight", new float[4], 2, 2).write(f, DType.F32);
    assertThatThrownBy(() -> VitOnnxParityTest.load(f, TINY))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("no class token found")
        .hasMessageContaining("conv1.weight");
  }

  @Test
  void refusesZeroElementTensorsWithHugeDimensionsBeforeAllocating() throws IOException {
    // [2^31 - 1, 0] holds no bytes, so the file's own checks pass; the MLP width inferred from it
    // times the
    // width overflowed int (NegativeArraySizeException) or asked for gigabytes before any shape was
    // compared.
    Path f =
        rewrite(
            good(TINY, false),
            Set.of(),
            Map.of("blocks.0.mlp.fc1.weight", new long[] {Integer.MAX_VALUE, 0}));
    try (SafetensorsFile s = SafetensorsFile.open(f)) {
      assertThatThrownBy(() -> VitWeights.load(s, VitWeights.inferConfig(s)))
          .isInstanceOf(MalformedFileException.class)
          .hasMessageContaining("blocks.0.mlp.fc1.weight")
          .hasMessageContaining("2147483647")
          .hasMessageContaining("outside 1.." + VitWeights.MAX_INFERRED_SIZE);
    }
  }

  @Test
  void comparesShapesBeforeAllocatingForAGivenArchitecture() throws IOException {
    // 2^25 x 32 floats (4 GiB) were allocated before the file's [64, 32] was compared with the
    // expected shape
    VitConfig wide = new VitConfig("wide", 32, 8, 3, 32, 2, 2, 1 << 25, false, 1e-6);
    Path f = good(TINY, false);
    assertThatThrownBy(() -> VitOnnxParityTest.load(f, wide))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("blocks.0.mlp.fc1.weight: shape [64, 32], expected [33554432, 32]")
        .hasMessageContaining("blocks.1.mlp.fc2.weight: shape [32, 64], expected [32, 33554432]");
  }

  @Test
  void refusesArchitecturesWhoseArraysCannotExist() {
    // 2^26 x 32 is 2^31 values: every int product over such a config would wrap
    assertThatThrownBy(() -> new VitConfig("huge", 32, 8, 3, 32, 2, 2, 1 << 26, false, 1e-6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "huge: the MLP weight [67108864, 32] holds more values than one array can");
    assertThatThrownBy(() -> new VitConfig("wide image", 1 << 30, 1, 3, 32, 2, 2, 64, false, 1e-6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the image [3, 1073741824, 1073741824]");
    assertThat(new VitConfig("fits", 32, 8, 3, 32, 2, 2, (1 << 26) - 1, false, 1e-6).mlpDim())
        .isEqualTo((1 << 26) - 1);
  }

  @Test
  void presetsHaveTheDeitShapes() {
    VitConfig t = VitConfig.preset("deit_tiny_patch16_224");
    assertThat(t.sequenceLength()).isEqualTo(197);
    assertThat(t.headDim()).isEqualTo(64);
    assertThat(VitConfig.preset("deit_base_distilled_patch16_224").sequenceLength()).isEqualTo(198);
    assertThat(VitConfig.preset("deit_small_patch16_224").mlpDim()).isEqualTo(1536);
    assertThatThrownBy(() -> VitConfig.preset("resnet50"))
        .hasMessageContaining("deit_tiny_patch16_224");
  }
}
