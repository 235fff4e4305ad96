package io.codedelivery.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every consumer reads a position's record in one streaming pass ({@link Position#fromJson(String)}); it must accept
 * the same records as {@link Position#fromJson(JsonObject)} on a parsed tree, as the same position, and refuse the
 * same ones for the same reason. Checked on every field of a simulated and of a device's position,
 * each missing, null, of every wrong type, out of range, and at random.
 */
class PositionReadTest {
  private static final List<String> FIELDS = List.of("deliveryId", "routeId", "clientId", "seq", "position", "finished",
      "timestamp", "deviceId", "fixTime", "speed", "heading", "accuracy", "battery", "distanceRemainingMetres",
      "progress", "eta");
  private static final List<Object> ODD_VALUES = TreeJudgement.ODD_VALUES;

  private static JsonObject simulated() {
    return new Position(UUID.randomUUID().toString(), "1", "client-7", 42, new LatLon(-15.82594, -47.92923), false,
        Instant.parse("2026-12-01T06:10:00.123Z")).toJson();
  }

  private static JsonObject device() {
    return new Position(UUID.randomUUID().toString(), null, null, 1_764_569_400_123L, new LatLon(51.5, -0.12), false,
        Instant.parse("2026-12-01T06:10:00.123456Z"),
        new Position.Fix("phone-1", Instant.parse("2026-12-01T06:09:59Z"), 12.5, 270.0, 8.0, 55.0),
        new Position.Estimate(1234.5, 0.25, Instant.parse("2026-12-01T06:30:00Z"))).toJson();
  }

  @Test
  void aSimulatedAndADevicesPositionReadAsTheirTreesDo() {
    assertSameOutcome(simulated().encode());
    assertSameOutcome(device().encode());
    assertThat(Position.fromJson(simulated().encode())).isNotNull();
  }

  @Test
  void everyFieldMissingNullOrOfAnotherValueIsJudgedAsTheTreeJudgesIt() {
    for (JsonObject valid : List.of(simulated(), device())) {
      for (String field : FIELDS) {
        assertSameOutcome(without(valid, field).encode());
        assertSameOutcome(valid.copy().put(field, null).encode());
        for (Object odd : ODD_VALUES) {
          assertSameOutcome(valid.copy().put(field, odd).encode());
        }
      }
      for (Object odd : ODD_VALUES) {
        assertSameOutcome(valid.copy().put("position", new JsonObject().put("lat", odd).put("lon", 1)).encode());
        assertSameOutcome(valid.copy().put("position", new JsonObject().put("lat", 1).put("lon", odd)).encode());
      }
    }
  }

  @Test
  void unknownFieldsRepeatedFieldsAndTextsThatAreNoObjectAreJudgedAsTheTreeJudgesThem() {
    String valid = simulated().encode();
    List<String> texts = List.of(
        valid.substring(0, valid.length() - 1) + ",\"extra\":{\"seq\":\"nested\",\"a\":[1,{\"b\":null}]}}",
        valid.substring(0, valid.length() - 1) + ",\"seq\":-3}",
        valid.substring(0, valid.length() - 1) + ",\"seq\":9}",
        valid.substring(0, valid.length() - 1) + ",\"position\":{\"lat\":1,\"lon\":2,\"alt\":3}}",
        "{}", "[]", "[" + valid + "]", "42", "\"text\"", "null", "", " ", "{", valid.substring(0, valid.length() - 1),
        "{\"deliveryId\":}", "{'deliveryId':'x'}", "x".repeat(Fields.MAX_VALUE_CHARS + 1));
    texts.forEach(PositionReadTest::assertSameOutcome);
  }

  @Test
  void randomRecordsAreJudgedAsTheTreeJudgesThem() {
    Random random = new Random(19);
    for (int i = 0; i < 5_000; i++) {
      JsonObject record = random.nextBoolean() ? simulated() : device();
      int changes = 1 + random.nextInt(3);
      for (int c = 0; c < changes; c++) {
        String field = FIELDS.get(random.nextInt(FIELDS.size()));
        switch (random.nextInt(3)) {
          case 0 -> record.remove(field);
          case 1 -> record.put(field, null);
          default -> record.put(field, ODD_VALUES.get(random.nextInt(ODD_VALUES.size())));
        }
      }
      assertSameOutcome(record.encode());
    }
  }

  @Test
  void anythingAfterTheObjectIsRefusedSinceTheTextIsPassedOnAsItIs() {
    // The tree's parser stops at the end of the object; this text goes to browsers, who would choke on the rest.
    assertThatThrownBy(() -> Position.fromJson(simulated().encode() + " {}"))
        .isInstanceOf(InvalidMessageException.class).hasMessage("not a JSON object");
    assertThat(Position.fromJson(simulated().encode() + " \n")).isNotNull();
  }

  private static JsonObject without(JsonObject json, String field) {
    return TreeJudgement.without(json, field);
  }

  private static void assertSameOutcome(String text) {
    TreeJudgement.assertSameOutcome(text, Position::fromJson, Position::fromJson);
  }
}
