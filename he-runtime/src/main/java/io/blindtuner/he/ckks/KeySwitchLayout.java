package io.blindtuner.he.ckks;

import java.util.Arrays;

/**
 * How key switching decomposes a ciphertext and which primes it adds: the data primes q_0..q_L are
 * grouped into {@link #digitCount()} digits of consecutive primes, and {@link #specialPrimeCount()}
 * special primes P = p_1..p_k follow them. SEAL's layout is one digit per data prime and one
 * special prime (the only one SEAL reads); the hybrid layout (Han-Ki 2020, OpenFHE's and Lattigo's
 * default) has fewer, wider digits, so fewer NTTs and smaller keys, and needs P about as large as
 * the widest digit for the same noise. Immutable.
 */
public final class KeySwitchLayout {
  private final boolean seal;
  private final int specialPrimes;

  /**
   * digitStarts[j] = index of digit j's first data prime; digitStarts[digitCount] = number of data
   * primes.
   */
  private final int[] digitStarts;

  private KeySwitchLayout(boolean seal, int dataPrimes, int digits, int specialPrimes) {
    this.seal = seal;
    this.specialPrimes = specialPrimes;
    // Balanced consecutive groups, wider ones last: q_0 is usually the widest prime, so its digit
    // gets fewer.
    digitStarts = new int[digits + 1];
    for (int j = 0; j <= digits; j++) {
      digitStarts[j] = (int) ((long) j * dataPrimes / digits);
    }
  }

  /** SEAL's layout for {@code dataPrimes} data primes: one digit each, one special prime. */
  static KeySwitchLayout seal(int dataPrimes) {
    return new KeySwitchLayout(true, dataPrimes, dataPrimes, 1);
  }

  /**
   * The hybrid layout: {@code digits} digits of consecutive data primes (sizes differ by at most
   * one, the wider last) and {@code specialPrimes} special primes.
   *
   * @throws HeException if digits is not in [1, dataPrimes] or specialPrimes &lt; 1
   */
  static KeySwitchLayout hybrid(int dataPrimes, int digits, int specialPrimes) {
    if (digits < 1 || digits > dataPrimes) {
      throw new HeException(
          "key switching needs between 1 and "
              + dataPrimes
              + " digits (the number of data primes), got "
              + digits);
    }
    if (specialPrimes < 1) {
      throw new HeException(
          "hybrid key switching needs at least one special prime, got " + specialPrimes);
    }
    return new KeySwitchLayout(false, dataPrimes, digits, specialPrimes);
  }

  /** Whether this is SEAL's layout (the one SEAL clients and SEAL's wire format use). */
  public boolean isSeal() {
    return seal;
  }

  /** Number of digits a ciphertext at the top level is decomposed into (dnum). */
  public int digitCount() {
    return digitStarts.length - 1;
  }

  /** Number of special primes k. */
  public int specialPrimeCount() {
    return specialPrimes;
  }

  /** Number of data primes L+1. */
  public int dataPrimeCount() {
    return digitStarts[digitStarts.length - 1];
  }

  /**
   * Index of the first data prime of digit j.
   *
   * @throws IndexOutOfBoundsException if j is not in [0, digitCount())
   */
  public int digitStart(int j) {
    checkDigit(j);
    return digitStarts[j];
  }

  /**
   * One past the index of the last data prime of digit j.
   *
   * @throws IndexOutOfBoundsException if j is not in [0, digitCount())
   */
  public int digitEnd(int j) {
    checkDigit(j);
    return digitStarts[j + 1];
  }

  private void checkDigit(int j) {
    if (j < 0 || j >= digitCount()) {
      throw new IndexOutOfBoundsException("digit " + j + " is not in [0, " + digitCount() + ")");
    }
  }

  /**
   * Number of digits that have a prime at {@code level} (the last of them may be cut short by the
   * level).
   */
  public int digitsAt(int level) {
    int j = 0;
    while (j < digitCount() && digitStarts[j] <= level) {
      j++;
    }
    return j;
  }

  /**
   * Checks that keys in layout {@code keys} can switch keys under parameters of this layout.
   *
   * @throws HeException naming both layouts if they differ
   */
  void requireKeys(KeySwitchLayout keys, String what, String op) {
    if (!equals(keys)) {
      throw new HeException(
          op
              + ": "
              + what
              + " are in the key-switching layout "
              + keys
              + ", but these parameters switch keys in "
              + this
              + "; generate the keys with these parameters");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySwitchLayout l
        && l.seal == seal
        && l.specialPrimes == specialPrimes
        && Arrays.equals(l.digitStarts, digitStarts);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Boolean.hashCode(seal) + specialPrimes) + Arrays.hashCode(digitStarts);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(seal ? "SEAL" : "hybrid").append("[digits=");
    for (int j = 0; j < digitCount(); j++) {
      s.append(j == 0 ? "" : ",").append('q').append(digitStart(j));
      if (digitEnd(j) - digitStart(j) > 1) {
        s.append("..q").append(digitEnd(j) - 1);
      }
    }
    return s.append(", special primes=").append(specialPrimes).append(']').toString();
  }
}
