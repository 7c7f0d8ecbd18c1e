package io.blindtuner.he.seal;

import java.util.List;

/**
 * The contents of SEAL KSwitchKeys (RelinKeys, GaloisKeys): keys.get(index) holds one key-switching
 * key as a list of key-level ciphertexts, one per data prime (SEAL's decomposition), or is empty.
 * RelinKeys use index 0 (s^2); GaloisKeys use index (g - 1) / 2 for Galois element g.
 *
 * @param parmsId the key level's parms_id
 * @param keys per index, the decomposition ciphertexts or an empty list
 */
public record SealKSwitchKeysData(SealParmsId parmsId, List<List<SealCiphertextData>> keys) {
  public SealKSwitchKeysData {
    if (parmsId == null || keys == null) {
      throw new IllegalArgumentException("KSwitchKeys need a parms_id and a key list");
    }
    keys = keys.stream().map(List::copyOf).toList();
  }

  /** SEAL's GaloisKeys::get_index. */
  public static int galoisIndex(long galoisElt) {
    return (int) ((galoisElt - 1) >>> 1);
  }

  /** Whether a key is stored at index. */
  public boolean hasKey(int index) {
    return index >= 0 && index < keys.size() && !keys.get(index).isEmpty();
  }
}
