package io.blindtuner.he.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * BLAKE2b, SHAKE256 and parms_id against RFC 7693, CPython's hashlib and node-seal (SEAL 4.1.2).
 */
class SealHashTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] msg(int len) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void blake2bMatchesRfc7693AndHashlib() {
    // RFC 7693 Appendix A: BLAKE2b-512("abc").
    assertThat(HEX.formatHex(Blake2b.hash(64, "abc".getBytes())))
        .startsWith("ba80a53f981c4d0d6a2797b69f12f6e9");
    assertThat(HEX.formatHex(Blake2b.hash(64, new byte[0])))
        .isEqualTo(
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
    // Exactly one block and one byte more: the last-block rule.
    assertThat(HEX.formatHex(Blake2b.hash(64, msg(128))))
        .startsWith("2319e3789c47e2daa5fe807f61bec2a1");
    assertThat(HEX.formatHex(Blake2b.hash(64, msg(129))))
        .startsWith("f59711d44a031d5f97a9413c065d1e61");
    Blake2b keyed = new Blake2b(32, msg(64));
    byte[] m = msg(300);
    keyed.update(m, 0, 100);
    keyed.update(m, 100, 200);
    assertThat(HEX.formatHex(keyed.digest()))
        .isEqualTo("e35ea32ba735680b5e3908020230f8da8637ea9bf934d59d0d05150175280e4f");
  }

  @Test
  void blake2bParameterBlockFieldsMatchHashlib() {
    // hashlib.blake2b(msg[:64], fanout=0, depth=1, leaf_size=64, node_offset=5|(4096<<32),
    // inner_size=64):
    // the fields BLAKE2Xb nodes set (leaf_length, node_offset, xof_length, inner_length).
    byte[] p = new byte[64];
    p[0] = 64;
    p[3] = 1;
    Blake2b.putLe32(p, 4, 64);
    Blake2b.putLe32(p, 8, 5);
    Blake2b.putLe32(p, 12, 4096);
    p[17] = 64;
    Blake2b b = new Blake2b(p, null);
    b.update(msg(64), 0, 64);
    assertThat(HEX.formatHex(b.digest())).startsWith("85312ba8bef396cae4208ef1a0b0ec3a");
  }

  @Test
  void shake256MatchesHashlib() {
    byte[] out = new byte[32];
    Shake256.xof(out, new byte[0]);
    assertThat(HEX.formatHex(out))
        .isEqualTo("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
    Shake256.xof(out, msg(136)); // exactly one rate block: padding goes in a block of its own
    assertThat(HEX.formatHex(out))
        .isEqualTo("b7ff4073b3f5a8eabd6e17705ca7f6761a31058f9df781a6a47e3a3063b9d67a");
    byte[] big = new byte[4096]; // SEAL's buffer: many squeezes
    Shake256.xof(big, msg(200));
    assertThat(HEX.formatHex(big, 0, 32))
        .isEqualTo("4ee1ca03272b05d3bfb1e1c79a967f823b9fc5e4bb3987b1ba9e9cb5afb07a5e");
    assertThat(HEX.formatHex(big, 4064, 4096))
        .isEqualTo("8a2c523644330c7c3d938b3d4afc219073165514c45e9d3c0bc67139abae1566");
  }

  @Test
  void parmsIdMatchesNodeSeal() {
    // node-seal 7.0.0: CoeffModulus.Create(4096, [40, 30, 40]) -> context.keyParmsId().values().
    SealEncryptionParameters p =
        SealEncryptionParameters.ckks(4096, 0xfffffc6001L, 0x3fff4001L, 0xfffffdc001L);
    assertThat(p.keyParmsId())
        .isEqualTo(
            new SealParmsId(
                Long.parseUnsignedLong("13021883519571704510"),
                Long.parseUnsignedLong("17803467891230813027"),
                Long.parseUnsignedLong("11038744645456468331"),
                565738153643784813L));
    assertThat(p.chain()).hasSize(3).doesNotHaveDuplicates();
    assertThat(p.chain().get(1))
        .isEqualTo(
            new SealParmsId(
                2970228727772543415L,
                6801468968495458983L,
                4258318728739226636L,
                3012946465244920912L));
  }

  @Test
  void shake256PrngStreamIsSeedThenCounterPer4096ByteBlock() {
    // SEAL's Shake256PRNG::refill_buffer: block c = SHAKE256(seed || c as 8 LE bytes, 4096 bytes);
    // expected values from hashlib.shake_256(bytes(range(64)) + c.to_bytes(8, 'little')).
    byte[] seed = msg(64);
    SealPrng prng = new SealPrng(SealPrngInfo.fromBytes(SealPrngType.SHAKE256, seed));
    byte[] stream = new byte[8192];
    prng.nextBytes(stream, 0, 100); // uneven reads: the stream does not depend on read sizes
    prng.nextBytes(stream, 100, 8092);
    assertThat(HEX.formatHex(stream, 0, 16)).isEqualTo("50a1cb963bec11dc066324b416d0a141");
    assertThat(HEX.formatHex(stream, 4080, 4096)).isEqualTo("bfaed19b2a9c30f1747c1bd48c829dd7");
    assertThat(HEX.formatHex(stream, 4096, 4112)).isEqualTo("4b5dc993542541753b9f72e391c0a73a");
    assertThat(HEX.formatHex(stream, 8176, 8192)).isEqualTo("ab70c704e08efde0ade6b484bfae3549");
  }
}
