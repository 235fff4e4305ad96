package io.codedelivery.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The signature a receiver recomputes: a fixed vector, computed independently (Python's hmac module). */
class WebhookSignatureTest {
  private static final String SECRET = "a-webhook-secret-of-32-characters";
  private static final byte[] BODY = "{\"eventId\":\"d1:delivered:42\",\"type\":\"delivered\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsTheTimestampDotBodyWithHmacSha256InHex() {
    // python3 -c 'import hmac,hashlib; print(hmac.new(SECRET, b"1700000000." + BODY, hashlib.sha256).hexdigest())'
    assertThat(WebhookSignature.sign(SECRET, 1_700_000_000L, BODY))
        .isEqualTo("sha256=4dbbacfa47c84166e58b4b86a79b25d8e8506719d2fa70187e9711277c155a08");
  }

  @Test
  void anotherTimestampSecretOrBodyGivesAnotherSignature() {
    String signature = WebhookSignature.sign(SECRET, 1_700_000_000L, BODY);
    assertThat(WebhookSignature.sign(SECRET, 1_700_000_001L, BODY)).isNotEqualTo(signature);
    assertThat(WebhookSignature.sign(SECRET + "x", 1_700_000_000L, BODY)).isNotEqualTo(signature);
    assertThat(WebhookSignature.sign(SECRET, 1_700_000_000L, "{}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(signature);
  }
}
