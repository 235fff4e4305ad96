package io.codedelivery.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a receiver checks: {@code sha256=} and the hex HMAC-SHA256, keyed with the webhook's secret, of
 * {@code "<timestamp>.<body>"}, where the timestamp is the Unix seconds sent in {@code X-CodeDelivery-Timestamp}.
 * Signing the timestamp with the body lets a receiver refuse an old request replayed (the scheme of Stripe's and
 * GitHub's webhooks).
 */
public final class WebhookSignature {
  public static final String EVENT_ID_HEADER = "X-CodeDelivery-Event-Id";
  public static final String TIMESTAMP_HEADER = "X-CodeDelivery-Timestamp";
  public static final String SIGNATURE_HEADER = "X-CodeDelivery-Signature";
  private static final String ALGORITHM = "HmacSHA256";
  private static final String PREFIX = "sha256=";

  private WebhookSignature() {
  }

  /** The header value for this body sent at this timestamp: {@code sha256=<64 hex digits>}. */
  public static String sign(String secret, long timestampSeconds, byte[] body) {
    Mac mac = mac(secret);
    mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
    return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
  }

  private static Mac mac(String secret) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every JDK has HmacSHA256, and any non-empty key is valid for it.
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
