/**
 * RNS polynomial arithmetic on SEAL 4.1's conventions: word-size primes ({@link
 * io.blindtuner.he.ring.Modulus}, chosen by {@link io.blindtuner.he.ring.CoeffModulus#create(int,
 * int...)} exactly as SEAL does), the negacyclic NTT in SEAL's bit-reversed layout ({@link
 * io.blindtuner.he.ring.NttTables}), RNS polynomials ({@link io.blindtuner.he.ring.RnsPoly}), the
 * AES-CTR CSPRNG ({@link io.blindtuner.he.ring.Csprng}) behind a pluggable {@link
 * io.blindtuner.he.ring.PrngFactory}, samplers, and limb-level parallelism passed explicitly
 * ({@link io.blindtuner.he.ring.Parallelism}). Everything is {@code long[]} with {@code
 * Math.multiplyHigh}.
 */
package io.blindtuner.he.ring;
