/**
 * RNS-CKKS on SEAL 4.1's conventions, so that SEAL-made keys and ciphertexts work here and ours in SEAL.
 *
 * <p>Flow: an unchecked {@link io.blindtuner.he.ckks.CkksSpec} becomes validated
 * {@link io.blindtuner.he.ckks.CkksParameters} (128-bit HE-standard bound unless explicitly insecure); the
 * {@link io.blindtuner.he.ckks.KeyGenerator} makes the secret, public, relinearization and Galois keys;
 * {@link io.blindtuner.he.ckks.CkksEncoder} maps slot vectors to {@link io.blindtuner.he.ckks.Plaintext}s;
 * {@link io.blindtuner.he.ckks.Encryptor} / {@link io.blindtuner.he.ckks.Decryptor} move between plaintexts
 * and {@link io.blindtuner.he.ckks.Ciphertext}s; {@link io.blindtuner.he.ckks.Evaluator} computes on
 * ciphertexts. Every error is a {@link io.blindtuner.he.ckks.HeException} (an IllegalArgumentException) whose
 * subtype and message name the operand at fault.
 *
 * <p>Representation: moduli q_0..q_L then the special prime P; level l uses q_0..q_l; ciphertexts are always in
 * NTT form; keys live at the key level (all L+2 moduli); key switching has one digit per data prime and divides
 * by P with rounding; slot i is the evaluation at zeta^(3^i mod 2N); rotation by step &gt; 0 is to the left with
 * Galois element 3^step mod 2N.
 */
package io.blindtuner.he.ckks;
