package io.blindtuner.model.cloud;

/** The stages of the encrypted head; each runs as one actor holding only its own keys. */
public enum StageKind {
  ATTENTION("attention"),
  MLP("mlp"),
  LOSS("loss"),
  OPTIMIZER("optimizer");

  private final String label;

  StageKind(String label) {
    this.label = label;
  }

  /** The name used in plans, errors and metrics. */
  public String label() {
    return label;
  }
}
