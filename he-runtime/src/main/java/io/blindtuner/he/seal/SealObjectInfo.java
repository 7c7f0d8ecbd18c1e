package io.blindtuner.he.seal;

import java.util.List;

/**
 * What a SEAL file holds, as {@link SealInspector} reads it: enough to tell a client what it sent.
 *
 * @param kind EncryptionParameters, Ciphertext, PublicKey, Plaintext, SecretKey, RelinKeys or
 *     GaloisKeys; without parameters a key-level ciphertext reads as "Ciphertext or PublicKey" and
 *     a plaintext as "Plaintext or SecretKey"
 * @param header the SEAL header (version, compression, total size)
 * @param memberBytes size of the members after decompression
 * @param parmsId the object's parms_id (null for EncryptionParameters)
 * @param degree N
 * @param primeCount primes of the object's level
 * @param level "key level" or "data level L" (L+1 primes) when parameters were given, else null
 * @param size polynomials per ciphertext (0 for other kinds)
 * @param scale CKKS scale (NaN for kinds without one)
 * @param seeded whether the (or every) ciphertext stores a seed instead of c1
 * @param prng the PRNG of the seed, or null
 * @param galoisElements Galois elements with a key (GaloisKeys), else empty
 * @param keyCount key-switching keys present (RelinKeys, GaloisKeys)
 * @param parameters the parameters themselves for an EncryptionParameters file, else null
 */
public record SealObjectInfo(
    String kind,
    SealHeader header,
    long memberBytes,
    SealParmsId parmsId,
    int degree,
    int primeCount,
    String level,
    int size,
    double scale,
    boolean seeded,
    SealPrngType prng,
    List<Integer> galoisElements,
    int keyCount,
    SealEncryptionParameters parameters) {
  public SealObjectInfo {
    galoisElements = List.copyOf(galoisElements);
  }
}
