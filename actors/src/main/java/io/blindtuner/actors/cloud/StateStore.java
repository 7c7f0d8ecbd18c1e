package io.blindtuner.actors.cloud;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where an actor's state outlives the actor: the optimizer writes every new {@link OptimizerState}
 * here (whole) and reads it back when it restarts, so a restart keeps the weights and the
 * accumulated gradients. Single writer (the actor), readers anywhere. In-memory; the trainer
 * service checkpoints it.
 *
 * @param <S> the state type
 */
public final class StateStore<S> {
  private final AtomicReference<S> state;

  public StateStore(S initial) {
    this.state = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
  }

  public S get() {
    return state.get();
  }

  void set(S s) {
    state.set(Objects.requireNonNull(s, "state"));
  }
}
