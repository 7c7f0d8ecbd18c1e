package io.blindtuner.he.ring;

/**
 * Whether this JVM runs the ring's vector kernels ({@link VectorNtt}, {@link VectorConversion}),
 * decided once. The classes that use jdk.incubator.vector are loaded only when {@link #MODULE}
 * holds, so that the engine runs (on its scalar kernels) in a JVM started without {@code
 * --add-modules jdk.incubator.vector}.
 */
final class VectorKernels {
  /** Whether the JVM runs with jdk.incubator.vector. */
  static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /**
   * Whether the vector kernels can run: the module is there and the hardware has 8 long lanes
   * (AVX-512).
   */
  static final boolean AVAILABLE = MODULE && VectorMulMod.available();

  /**
   * Moduli the vector kernels take: below 2^50, so that values up to 4q are exact doubles (see
   * VectorMulMod).
   */
  static final long MAX_MODULUS = 1L << 50;

  private VectorKernels() {}
}
