package io.blindtuner.pipeline.hospital;

/**
 * Progress of {@link TrainingService#train}: each run (phase) starts, steps and finishes in turn.
 * The encrypted run may report steps from other threads.
 */
public interface TrainingListener {
  /** Sees nothing. */
  TrainingListener NONE =
      new TrainingListener() {
        @Override
        public void started(Phase phase, int steps) {}

        @Override
        public void stepped(Phase phase) {}

        @Override
        public void finished(Phase phase) {}
      };

  /** The three runs, in the order they happen. */
  enum Phase {
    FLOAT("float reference"),
    TWIN("plaintext twin"),
    ENCRYPTED("encrypted");

    private final String label;

    Phase(String label) {
      this.label = label;
    }

    /** The run's name as reports print it. */
    public String label() {
      return label;
    }
  }

  /** A run of {@code steps} steps begins. */
  void started(Phase phase, int steps);

  /** One step of the run finished. */
  void stepped(Phase phase);

  /** The run is over (also when it failed). */
  void finished(Phase phase);
}
