/**
 * RNS-CKKS on SEAL 4.1's conventions, so that SEAL-made keys and ciphertexts work here and ours in
 * SEAL.
 *
 * <p>Flow: an unchecked {@link io.blindtuner.he.ckks.CkksSpec} becomes validated {@link
 * io.blindtuner.he.ckks.CkksParameters} (128-bit HE-standard bound unless explicitly insecure); the
 * {@link io.blindtuner.he.ckks.KeyGenerator} makes the secret, public, relinearization and Galois
 * keys; {@link io.blindtuner.he.ckks.CkksEncoder} maps slot vectors to {@link
 * io.blindtuner.he.ckks.Plaintext}s; {@link io.blindtuner.he.ckks.Encryptor} / {@link
 * io.blindtuner.he.ckks.Decryptor} move between plaintexts and {@link
 * io.blindtuner.he.ckks.Ciphertext}s; {@link io.blindtuner.he.ckks.Evaluator} computes on
 * ciphertexts. Every error is a {@link io.blindtuner.he.ckks.HeException} (an
 * IllegalArgumentException) whose subtype and message name the operand at fault.
 *
 * <p>Representation: moduli q_0..q_L then the special primes; level l uses q_0..q_l; ciphertexts
 * are always in NTT form; keys live at the key level (all moduli); by default key switching is
 * SEAL's (one special prime P, one digit per data prime, division by P with rounding), and a spec
 * may ask for the hybrid {@link io.blindtuner.he.ckks.KeySwitchLayout} instead (fewer digits,
 * several special primes; SEAL cannot read it, so it is for keys our own clients make); slot i is
 * the evaluation at zeta^(3^i mod 2N); rotation by step &gt; 0 is to the left with Galois element
 * 3^step mod 2N.
 */
package io.blindtuner.he.ckks;
