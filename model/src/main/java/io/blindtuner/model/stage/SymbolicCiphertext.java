package io.blindtuner.model.stage;

/**
 * What a dry run knows of a ciphertext: its level, scale and size (number of polynomials). No data.
 *
 * @param level the level (primes above the base minus one)
 * @param scale the CKKS scale
 * @param size 2 for a relinearized ciphertext
 */
public record SymbolicCiphertext(int level, double scale, int size) {}
