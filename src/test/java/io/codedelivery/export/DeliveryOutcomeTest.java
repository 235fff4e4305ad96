package io.codedelivery.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** On time, late, or not known: a delivery's outcome against its promise, at a fixed "now". */
class DeliveryOutcomeTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @ParameterizedTest
  @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
      STATUS     | PROMISED BY          | ENDED                | ON TIME
      delivered  | 2026-12-01T11:00:00Z | 2026-12-01T10:59:00Z | true
      delivered  | 2026-12-01T11:00:00Z | 2026-12-01T11:00:00Z | true
      delivered  | 2026-12-01T11:00:00Z | 2026-12-01T11:00:01Z | false
      delivered  | -                    | 2026-12-01T11:00:01Z | -
      cancelled  | 2026-12-01T11:00:00Z | 2026-12-01T11:30:00Z | -
      in-transit | 2026-12-01T11:59:00Z | -                    | false
      in-transit | 2026-12-01T12:01:00Z | -                    | -
      assigned   | 2026-12-01T13:00:00Z | -                    | -
      finished   | -                    | 2026-12-01T11:00:00Z | -
      """, useHeadersInDisplayName = true)
  void onTimeIsTheDeliveryAgainstItsPromise(String status, String promisedBy, String endedAt, Boolean onTime) {
    JsonObject delivery = new JsonObject().put("status", status).put("promisedBy", promisedBy).put("endedAt", endedAt);

    DeliveryOutcome outcome = DeliveryOutcome.of(delivery, NOW);

    assertThat(outcome.onTime()).isEqualTo(onTime);
    boolean arrived = status.equals("delivered") || status.equals("finished");
    assertThat(outcome.deliveredAt()).isEqualTo(arrived ? Instant.parse(endedAt) : null);
  }

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {"order-42, Route 1, order-42", "-, Route 1, Route 1", "' ', -, the-id"})
  void aDeliveryIsNamedByItsReferenceElseItsTitleElseItsId(String reference, String title, String name) {
    JsonObject delivery = new JsonObject().put("deliveryId", "the-id").put("reference", reference).put("title", title);

    assertThat(DeliveryOutcome.nameOf(delivery)).isEqualTo(name);
  }
}
