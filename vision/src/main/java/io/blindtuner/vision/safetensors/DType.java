package io.blindtuner.vision.safetensors;

/** Safetensors element types. Only F32, F16 and BF16 can be read as floats. */
public enum DType {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U64(8),
  U32(4),
  U16(2),
  U8(1),
  BOOL(1),
  F8_E4M3(1),
  F8_E5M2(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** True for the types {@link SafetensorsFile#readFloats} converts. */
  public boolean isFloat() {
    return this == F32 || this == F16 || this == BF16;
  }

  /** The type called {@code name} in a header, or null if unknown. */
  static DType of(String name) {
    for (DType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
