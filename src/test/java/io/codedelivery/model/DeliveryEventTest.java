package io.codedelivery.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The event as consumers read it off delivery.events: its wire form, its stable id, and what is refused. */
class DeliveryEventTest {
  private static final String DELIVERY = "3f2c1d9e-8a7b-4c6d-9e0f-1a2b3c4d5e6f";

  @Test
  void theSamePositionRaisingTheSameTypeAlwaysGivesTheSameIdAndNoOtherDoes() {
    String id = DeliveryEvent.idOf(DELIVERY, DeliveryEvent.Type.OFF_ROUTE, 1_764_590_400_000L);
    assertThat(id).isEqualTo(DeliveryEvent.idOf(DELIVERY, DeliveryEvent.Type.OFF_ROUTE, 1_764_590_400_000L))
        .startsWith(DeliveryEvent.idPrefixOf(DELIVERY))
        .isNotEqualTo(DeliveryEvent.idOf(DELIVERY, DeliveryEvent.Type.BACK_ON_ROUTE, 1_764_590_400_000L))
        .isNotEqualTo(DeliveryEvent.idOf(DELIVERY, DeliveryEvent.Type.OFF_ROUTE, 1_764_590_401_000L));
  }

  @Test
  void theWireFormIsTheDocumentedOneAndReadsBackEqual() {
    DeliveryEvent event = new DeliveryEvent(DeliveryEvent.idOf(DELIVERY, DeliveryEvent.Type.LATE, 7), DELIVERY,
        DeliveryEvent.Type.LATE, Instant.parse("2026-12-01T14:02:00Z"), new LatLon(-23.55, -46.63),
        new JsonObject().put("promisedBy", "2026-12-01T14:00:00Z"));
    JsonObject json = event.toJson();
    assertThat(json.fieldNames()).containsExactlyInAnyOrder("eventId", "deliveryId", "type", "at", "position", "details");
    assertThat(json.getString("type")).isEqualTo("late");
    assertThat(json.getString("at")).isEqualTo("2026-12-01T14:02:00Z");
    assertThat(DeliveryEvent.fromJson(json.encode())).isEqualTo(event);
  }

  @Test
  void positionAndDetailsAreLeftOutWhenThereAreNone() {
    DeliveryEvent stalled = new DeliveryEvent(DeliveryEvent.idOf(DELIVERY, DeliveryEvent.Type.STALLED, 3), DELIVERY,
        DeliveryEvent.Type.STALLED, Instant.parse("2026-12-01T14:02:00Z"), null, new JsonObject());
    assertThat(stalled.toJson().fieldNames()).containsExactlyInAnyOrder("eventId", "deliveryId", "type", "at");
  }

  @Test
  void anUnknownTypeIsRefusedNamingTheKnownOnes() {
    JsonObject json = new JsonObject().put("eventId", "x").put("deliveryId", DELIVERY).put("type", "teleported")
        .put("at", "2026-12-01T14:02:00Z");
    assertThatThrownBy(() -> DeliveryEvent.fromJson(json)).isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("unknown event type 'teleported'").hasMessageContaining("off_route");
  }

  @Test
  void aMalformedDeliveryIdIsRefused() {
    JsonObject json = new JsonObject().put("eventId", "x").put("deliveryId", "../etc").put("type", "started")
        .put("at", "2026-12-01T14:02:00Z");
    assertThatThrownBy(() -> DeliveryEvent.fromJson(json)).isInstanceOf(InvalidMessageException.class);
  }
}
