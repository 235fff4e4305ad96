package io.codedelivery.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The character-by-character check of a delivery id answers as its regular expression does. */
class DeliveryIdTest {
  @Test
  void uuidsAndTheirVariationsAreJudgedAsTheRegularExpressionJudgesThem() {
    Random random = new Random(7);
    String alphabet = "0123456789abcdefABCDEF-gz ";
    for (int i = 0; i < 20_000; i++) {
      char[] id = UUID.randomUUID().toString().toCharArray();
      int changes = random.nextInt(3);
      for (int c = 0; c < changes; c++) {
        id[random.nextInt(id.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      String candidate = random.nextInt(10) == 0 ? new String(id, 0, random.nextInt(id.length)) : new String(id);
      assertThat(DeliveryId.isValid(candidate)).as(candidate).isEqualTo(DeliveryId.matchesRegex(candidate));
    }
    for (String odd : List.of("", "-", UUID.randomUUID() + "0", UUID.randomUUID().toString().toUpperCase())) {
      assertThat(DeliveryId.isValid(odd)).as(odd).isEqualTo(DeliveryId.matchesRegex(odd));
    }
    assertThat(DeliveryId.isValid(null)).isFalse();
  }
}
