package io.blindtuner.he.ring;

/** Creates a {@link Prng} from a seed; the default is {@link Csprng#AES_CTR}. */
public interface PrngFactory {
  /** Length of the seeds this factory takes. */
  int seedBytes();

  /**
   * @throws IllegalArgumentException if the seed length is not {@link #seedBytes()}
   */
  Prng create(byte[] seed);
}
