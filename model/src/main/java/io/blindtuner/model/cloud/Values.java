package io.blindtuner.model.cloud;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * An immutable set of named ciphertexts: what flows between the phases of a step.
 *
 * @param <C> the ciphertext type
 */
public final class Values<C> {
  private final EnumMap<Operand, C> map;

  private Values(EnumMap<Operand, C> map) {
    this.map = map;
  }

  /** No values. */
  public static <C> Values<C> empty() {
    return new Values<>(new EnumMap<>(Operand.class));
  }

  /** The given values. */
  public static <C> Values<C> of(Map<Operand, C> values) {
    return new Values<>(values.isEmpty() ? new EnumMap<>(Operand.class) : new EnumMap<>(values));
  }

  /**
   * @throws IllegalStateException naming the operand if it is absent
   */
  public C get(Operand op) {
    C c = map.get(op);
    if (c == null) {
      throw new IllegalStateException("no value for " + op + " (have " + map.keySet() + ")");
    }
    return c;
  }

  public boolean has(Operand op) {
    return map.containsKey(op);
  }

  /** These values with {@code op} set (replaced if present). */
  public Values<C> with(Operand op, C value) {
    EnumMap<Operand, C> m = new EnumMap<>(Operand.class);
    m.putAll(map);
    m.put(op, value);
    return new Values<>(m);
  }

  /** These values with all of {@code other}'s set. */
  public Values<C> with(Values<C> other) {
    EnumMap<Operand, C> m = new EnumMap<>(Operand.class);
    m.putAll(map);
    m.putAll(other.map);
    return new Values<>(m);
  }

  /** Only the values named. */
  public Values<C> only(Collection<Operand> keep) {
    EnumMap<Operand, C> m = new EnumMap<>(Operand.class);
    for (Operand op : keep) {
      if (map.containsKey(op)) {
        m.put(op, map.get(op));
      }
    }
    return new Values<>(m);
  }

  public Set<Operand> operands() {
    return Collections.unmodifiableSet(map.keySet());
  }

  public Map<Operand, C> asMap() {
    return Collections.unmodifiableMap(map);
  }

  public int size() {
    return map.size();
  }

  @Override
  public String toString() {
    return "Values" + map.keySet();
  }
}
