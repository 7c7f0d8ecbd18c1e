package io.blindtuner.he.ckks;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Key-switching keys from s(X^g) to s, indexed by Galois element g (SEAL's GaloisKeys). Immutable.
 */
public final class GaloisKeys {
  private final long parametersId;
  private final KeySwitchLayout layout;
  private final Map<Integer, KeySwitchKey> keys;

  /**
   * @throws ParameterMismatchException if a key belongs to another parameter set
   * @throws HeException if an element is not odd in [1, 2N)
   */
  public GaloisKeys(CkksParameters params, Map<Integer, KeySwitchKey> keys) {
    for (Map.Entry<Integer, KeySwitchKey> e : keys.entrySet()) {
      int g = e.getKey();
      if ((g & 1) == 0 || g < 1 || g >= 2 * params.n()) {
        throw new HeException("Galois element must be odd and in [1, 2N), got " + g);
      }
      params.check(e.getValue().parametersId(), "Galois key for element " + g, "GaloisKeys");
    }
    this.parametersId = params.id();
    this.layout = params.keySwitchLayout();
    this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
  }

  /**
   * The keys for exactly {@code steps} (rotation steps, positive = left; 0 needs no key), sharing
   * the key material: what a stage that rotates by those steps may hold.
   *
   * @throws ParameterMismatchException if these keys belong to other parameters than {@code params}
   * @throws MissingGaloisKeyException naming the first step that has no key here
   */
  public GaloisKeys restrictTo(CkksParameters params, int... steps) {
    params.check(parametersId, "Galois keys", "restrictTo");
    Map<Integer, KeySwitchKey> kept = new TreeMap<>();
    for (int step : steps) {
      int s = Math.floorMod(step, params.slots());
      if (s == 0) {
        continue;
      }
      int g = params.galoisElement(s);
      KeySwitchKey k = keys.get(g);
      if (k == null) {
        throw new MissingGaloisKeyException(
            "restrictTo: no Galois key for step " + step + " (Galois element " + g + ")");
      }
      kept.put(g, k);
    }
    return new GaloisKeys(params, kept);
  }

  public long parametersId() {
    return parametersId;
  }

  /** The key-switching layout of every key here (that of the parameters they were made with). */
  public KeySwitchLayout layout() {
    return layout;
  }

  /**
   * Checks that these keys can rotate under {@code params}, the layout first (see
   * KeySwitchKey.checkUsableWith).
   *
   * @throws HeException if the keys' layout is not the parameters' layout
   * @throws ParameterMismatchException if the keys belong to another parameter set of the same
   *     layout
   */
  void checkUsableWith(CkksParameters params, String op) {
    params.keySwitchLayout().requireKeys(layout, "Galois keys", op);
    params.check(parametersId, "Galois keys", op);
  }

  public boolean has(int galoisElement) {
    return keys.containsKey(galoisElement);
  }

  /** The Galois elements present, ascending. */
  public Set<Integer> elements() {
    return keys.keySet();
  }

  /**
   * @throws MissingGaloisKeyException if there is no key for the element
   */
  public KeySwitchKey get(int galoisElement) {
    KeySwitchKey k = keys.get(galoisElement);
    if (k == null) {
      throw new MissingGaloisKeyException(
          "no Galois key for element " + galoisElement + " (have " + keys.keySet() + ")");
    }
    return k;
  }
}
