package io.blindtuner.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CkksParametersTest {
  @Test
  void validSetsExposeLevelsAndSealPrimes() {
    CkksParameters p = CkksParameters.create(CkksSpec.of(8192, 60, 40, 40, 60));
    assertThat(p.n()).isEqualTo(8192);
    assertThat(p.slots()).isEqualTo(4096);
    assertThat(p.maxLevel()).isEqualTo(2);
    assertThat(p.keyLimbCount()).isEqualTo(4);
    assertThat(p.primes())
        .containsExactly(
            1152921504606748673L, 1099510890497L, 1099511480321L, 1152921504606830593L);
    assertThat(p.totalBits()).isEqualTo(200);
    assertThat(p.isInsecure()).isFalse();
    CkksParameters same = CkksParameters.create(CkksSpec.ofPrimes(8192, p.primes()));
    assertThat(same.id()).isEqualTo(p.id());
    CkksParameters other = CkksParameters.create(CkksSpec.of(8192, 60, 40, 60));
    assertThat(other.id()).isNotEqualTo(p.id());
  }

  @Test
  void heStandardBoundIsEnforcedUnlessInsecure() {
    assertThat(CkksParameters.maxSecureBits(1024)).isEqualTo(27);
    assertThat(CkksParameters.maxSecureBits(65536)).isEqualTo(1761);
    // 219 bits at N = 8192: one bit over 218.
    assertThatThrownBy(() -> CkksParameters.create(CkksSpec.of(8192, 60, 60, 59, 40)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("219")
        .hasMessageContaining("218");
    assertThat(CkksParameters.create(CkksSpec.of(8192, 60, 60, 58, 40)).totalBits()).isEqualTo(218);
    assertThat(CkksParameters.create(CkksSpec.of(8192, 60, 60, 59, 40).asInsecure()).isInsecure())
        .isTrue();
    assertThatThrownBy(() -> CkksParameters.create(CkksSpec.of(512, 20, 20)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("below 1024");
    assertThat(CkksParameters.create(CkksSpec.of(16, 30, 30).asInsecure()).slots()).isEqualTo(8);
  }

  @Test
  void rejectsMalformedSpecs() {
    assertThatThrownBy(() -> CkksParameters.create(CkksSpec.of(3000, 40, 40)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> CkksParameters.create(CkksSpec.of(131072, 40, 40)))
        .isInstanceOf(HeException.class);
    assertThatThrownBy(() -> CkksParameters.create(CkksSpec.of(4096, 40)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("between 2");
    assertThatThrownBy(() -> CkksParameters.create(CkksSpec.of(4096, 61, 40)))
        .isInstanceOf(HeException.class);
    assertThatThrownBy(
            () -> CkksParameters.create(CkksSpec.ofPrimes(4096, 1099511480321L, 1099511480321L)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("repeated");
    assertThatThrownBy(
            () -> CkksParameters.create(CkksSpec.ofPrimes(4096, 1099511480321L, 1000003L)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("1000003");
    assertThatThrownBy(() -> CkksParameters.create(new CkksSpec(4096, null, null, 0, 1, false)))
        .isInstanceOf(HeException.class);
  }

  @Test
  void galoisElementsFollowSeal() {
    CkksParameters p = CkksParameters.create(CkksSpec.of(16, 30, 30).asInsecure());
    assertThat(p.galoisElement(1)).isEqualTo(3);
    assertThat(p.galoisElement(2)).isEqualTo(9);
    // step < 0: 3^(N/2 - |step|) mod 2N = 3^7 mod 32 = 11
    assertThat(p.galoisElement(-1)).isEqualTo(2187 % 32);
    assertThat(p.galoisElement(0)).isEqualTo(1);
    assertThat(p.conjugationElement()).isEqualTo(31);
    assertThatThrownBy(() -> p.galoisTable(4)).isInstanceOf(HeException.class);
    int[] t = p.galoisTable(3);
    assertThat(t).hasSize(16).doesNotHaveDuplicates();
  }
}
