package io.blindtuner.model.cloud;

import java.util.List;

/**
 * The named ciphertexts of a training step. The hospital encrypts the batch inputs and the initial
 * parameters and velocities; the phases produce the rest.
 */
public enum Operand {
  /** Centred tokens (b, t, k). */
  TOKENS,
  /** Token means (b, *, k). */
  MEANS,
  /** One-hot labels divided by the micro-batch size (b, *, c). */
  LABELS,
  /** The attention query, replicated like the means. */
  Q,
  W1,
  B1,
  W2,
  B2,
  /** Velocities of Q, W1, B1, W2, B2. */
  VQ,
  VW1,
  VB1,
  VW2,
  VB2,
  /** Pooled tokens. */
  Z,
  /** Centred attention scores, kept for the backward pass. */
  SCORES,
  /** MLP pre-activation. */
  H,
  /** MLP activation (divided by alpha). */
  AQ,
  LOGITS,
  /** dL/dlogits. */
  GRADIENT,
  /** dL/dz. */
  DZ,
  /** Gradients of Q, W1, B1, W2 (divided by its factor), B2. */
  DQ,
  DW1,
  DB1,
  DW2,
  DB2;

  /** The hospital's per-micro-batch inputs. */
  public static final List<Operand> BATCH = List.of(TOKENS, MEANS, LABELS);

  /**
   * The trained parameters, in the order of {@link io.blindtuner.model.packing.SlotLayout#pack}.
   */
  public static final List<Operand> PARAMETERS = List.of(Q, W1, B1, W2, B2);

  /** Their velocities, same order. */
  public static final List<Operand> VELOCITIES = List.of(VQ, VW1, VB1, VW2, VB2);

  /** Their gradients, same order. */
  public static final List<Operand> GRADIENTS = List.of(DQ, DW1, DB1, DW2, DB2);
}
