package io.blindtuner.vision.vit;

import java.util.List;
import java.util.Set;

/**
 * How a checkpoint names the trunk's tensors: timm ({@code blocks.N.attn.qkv.weight}) or Hugging
 * Face transformers ({@code vit.encoder.layer.N.attention.attention.query.weight}, prefix {@code
 * vit.}, {@code deit.} or none). Each logical tensor maps to one or more stored tensors
 * concatenated along dimension 0 (HF stores query, key and value apart; timm stores them as one qkv
 * matrix in that order).
 */
enum WeightNaming {
  TIMM,
  HUGGING_FACE;

  /** Picks the naming from the names present and returns it with the HF prefix ("" for timm). */
  static Detected detect(Set<String> names) {
    if (names.contains("cls_token")) {
      return new Detected(TIMM, "");
    }
    for (String n : names) {
      if (n.endsWith("embeddings.cls_token")) {
        return new Detected(
            HUGGING_FACE, n.substring(0, n.length() - "embeddings.cls_token".length()));
      }
    }
    return null;
  }

  record Detected(WeightNaming naming, String prefix) {
    List<String> clsToken() {
      return List.of(naming == TIMM ? "cls_token" : prefix + "embeddings.cls_token");
    }

    List<String> distToken() {
      return List.of(naming == TIMM ? "dist_token" : prefix + "embeddings.distillation_token");
    }

    List<String> posEmbed() {
      return List.of(naming == TIMM ? "pos_embed" : prefix + "embeddings.position_embeddings");
    }

    List<String> patch(String wb) {
      return List.of(
          naming == TIMM
              ? "patch_embed.proj." + wb
              : prefix + "embeddings.patch_embeddings.projection." + wb);
    }

    List<String> norm1(int i, String wb) {
      return List.of(
          naming == TIMM ? "blocks." + i + ".norm1." + wb : layer(i) + "layernorm_before." + wb);
    }

    List<String> qkv(int i, String wb) {
      if (naming == TIMM) {
        return List.of("blocks." + i + ".attn.qkv." + wb);
      }
      String a = layer(i) + "attention.attention.";
      return List.of(a + "query." + wb, a + "key." + wb, a + "value." + wb);
    }

    List<String> proj(int i, String wb) {
      return List.of(
          naming == TIMM
              ? "blocks." + i + ".attn.proj." + wb
              : layer(i) + "attention.output.dense." + wb);
    }

    List<String> norm2(int i, String wb) {
      return List.of(
          naming == TIMM ? "blocks." + i + ".norm2." + wb : layer(i) + "layernorm_after." + wb);
    }

    List<String> fc1(int i, String wb) {
      return List.of(
          naming == TIMM
              ? "blocks." + i + ".mlp.fc1." + wb
              : layer(i) + "intermediate.dense." + wb);
    }

    List<String> fc2(int i, String wb) {
      return List.of(
          naming == TIMM ? "blocks." + i + ".mlp.fc2." + wb : layer(i) + "output.dense." + wb);
    }

    List<String> finalNorm(String wb) {
      return List.of(naming == TIMM ? "norm." + wb : prefix + "layernorm." + wb);
    }

    private String layer(int i) {
      return prefix + "encoder.layer." + i + ".";
    }
  }
}
