package io.blindtuner.vision.safetensors;

/** IEEE 754 binary16 conversions (Java 17 has no Float.float16ToFloat). */
final class Half {
  private Half() {}

  /** The float equal to the half-precision value {@code h} (exact: every half is a float). */
  static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // subnormal (or zero): mant * 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** The nearest half (ties to even) to {@code f}; overflow gives infinity. */
  static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    float a = Math.abs(f);
    if (Float.isNaN(f)) {
      return (short) (sign | 0x7e00);
    }
    if (a >= 65520f) {
      return (short) (sign | 0x7c00);
    }
    if (a < 0x1p-14f) {
      // subnormal range: round a / 2^-24 to an integer, ties to even
      return (short) (sign | (int) Math.rint(a * 0x1p24f));
    }
    int ab = Float.floatToRawIntBits(a);
    int exp = (ab >>> 23) - 127 + 15;
    int mant = ab & 0x7fffff;
    int half = (exp << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) (sign | half);
  }
}
