package io.blindtuner.he.ckks;

/** Relinearization key: a key-switching key from s^2 to s, in the layout of its parameters. */
public final class RelinKeys {
  private final KeySwitchKey key;

  public RelinKeys(KeySwitchKey key) {
    this.key = key;
  }

  public KeySwitchKey key() {
    return key;
  }

  public long parametersId() {
    return key.parametersId();
  }
}
