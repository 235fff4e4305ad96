package io.codedelivery.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  @Test
  void aValueOverTheBoundIsCutToAPrefixThatFitsWithoutSplittingACharacter() {
    // 2-, 3- and 4-byte characters, so a cut at the byte bound falls inside one of them.
    String original = "ção€😀".repeat(20_000);

    String kept = DeadLetters.utf8Prefix(original, DeadLetters.MAX_VALUE_BYTES);

    byte[] bytes = kept.getBytes(StandardCharsets.UTF_8);
    assertThat(bytes.length).isLessThanOrEqualTo(DeadLetters.MAX_VALUE_BYTES).isGreaterThan(DeadLetters.MAX_VALUE_BYTES - 4);
    assertThat(original).startsWith(kept);
    assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
  }

  @Test
  void aValueWithinTheBoundIsKeptWhole() {
    String original = "ção".repeat(1_000);

    assertThat(DeadLetters.utf8Prefix(original, DeadLetters.MAX_VALUE_BYTES)).isSameAs(original);
    assertThat(DeadLetters.utf8Prefix(null, DeadLetters.MAX_VALUE_BYTES)).isNull();
  }

  @Test
  void onlyFailuresThatMayPassAreRetried() {
    assertThat(DeadLetters.retriable(new TimeoutException("broker away"))).isTrue();
    assertThat(DeadLetters.retriable(new KafkaException("wrapped", new TimeoutException("broker away")))).isTrue();
    assertThat(DeadLetters.retriable(new RecordTooLargeException("too large"))).isFalse();
    assertThat(DeadLetters.retriable(new IllegalStateException("producer closed"))).isFalse();
  }
}
