package io.blindtuner.vision.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {
  @Test
  void unicodeEscapesTakeExactlyFourHexDigits() {
    assertThat(JsonParser.parse("{\"k\\u0041\":\"\\u00e9\"}")).isEqualTo(Map.of("kA", "\u00e9"));
    for (String bad :
        new String[] {
          "\"\\u-001\"", "\"\\u+041\"", "\"\\u00g1\"", "\"\\u12\"", "\"\\u\uff10041\""
        }) {
      assertThatThrownBy(() -> JsonParser.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\\u escape");
    }
  }
}
