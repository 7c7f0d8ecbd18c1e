package io.blindtuner.he.seal;

/**
 * BLAKE2Xb, the extendable-output variant of BLAKE2b, exactly as the BLAKE2 reference code that
 * SEAL ships (util/blake2xb.c): a root BLAKE2b-512 over the (keyed) input with xof_length set, then
 * one BLAKE2b node per 64 output bytes keyed by nothing, hashing the root with leaf_length = 64,
 * inner_length = 64 and node_offset = block index.
 */
final class Blake2xb {
  private Blake2xb() {}

  /**
   * Writes {@code out.length} bytes of BLAKE2Xb(in, key) into out.
   *
   * @throws IllegalArgumentException if out is empty or longer than 2^32 - 2 bytes, or the key is
   *     longer than 64 bytes
   */
  static void xof(byte[] out, byte[] in, byte[] key) {
    int outLen = out.length;
    if (outLen == 0) {
      throw new IllegalArgumentException("BLAKE2Xb output length must be positive");
    }
    byte[] p = Blake2b.paramBlock(Blake2b.MAX_OUT_BYTES, key == null ? 0 : key.length);
    Blake2b.putLe32(p, 12, outLen); // xof_length
    Blake2b root = new Blake2b(p, key);
    root.update(in, 0, in.length);
    byte[] rootHash = root.digest();

    byte[] q = new byte[Blake2b.PARAM_BYTES];
    Blake2b.putLe32(q, 4, Blake2b.MAX_OUT_BYTES); // leaf_length
    Blake2b.putLe32(q, 12, outLen); // xof_length
    q[17] = (byte) Blake2b.MAX_OUT_BYTES; // inner_length
    for (int i = 0, pos = 0; pos < outLen; i++) {
      int blockSize = Math.min(Blake2b.MAX_OUT_BYTES, outLen - pos);
      q[0] = (byte) blockSize;
      Blake2b.putLe32(q, 8, i); // node_offset
      Blake2b node = new Blake2b(q, null);
      node.update(rootHash, 0, rootHash.length);
      System.arraycopy(node.digest(), 0, out, pos, blockSize);
      pos += blockSize;
    }
  }
}
