package io.codedelivery.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tracking stage reads each fix from its record's text in one streaming pass ({@link DeviceFix#fromJson(String)});
 * it must accept the same fixes as {@link DeviceFix#fromJson(JsonObject)} on a parsed tree, extra attributes and all,
 * and refuse the same ones for the same reason.
 */
class DeviceFixReadTest {
  private static final List<String> FIELDS = List.of("deviceId", "fixTime", "receivedAt", "position", "speed", "heading",
      "altitude", "accuracy", "battery", "source", "attributes", "simulated");

  private static JsonObject fix(boolean withAttributes) {
    JsonObject attributes = withAttributes ? new JsonObject().put("ignition", true).put("sat", 9).put("odometer", 12_345_678_901L)
        .put("hdop", 0.8).put("note", "gate 3").put("empty", null)
        .put("nested", new JsonObject().put("a", new JsonArray().add(1).add("two").add(new JsonObject().put("b", false))))
        .put("list", new JsonArray().add(1.5).add(new JsonArray())) : null;
    return new DeviceFix("phone-1", Instant.parse("2026-12-01T06:09:59.250Z"), Instant.parse("2026-12-01T06:10:00.123Z"),
        new LatLon(51.5, -0.12), 12.5, 270.0, 35.0, 8.0, 55.0, "osmand", attributes).toJson();
  }

  /** A simulated vehicle's fix: its delivery and route point besides the device's fields. */
  private static JsonObject simulatedFix() {
    return DeviceFix.ofSimulatedVehicle(new DeviceFix.Simulated("0b6c3d8e-5f7a-4b1c-9d2e-3f4a5b6c7d8e", "1", "client-1", 17, false),
        new LatLon(-15.82594, -47.92923), Instant.parse("2026-12-01T06:10:00.123Z")).toJson();
  }

  @Test
  void aSimulatedVehiclesFixReadsAsItsTreeDoesAndIsTheSimulationsPosition() {
    JsonObject fix = simulatedFix();
    assertSameOutcome(fix.encode());
    DeviceFix read = DeviceFix.fromJson(fix.encode());
    assertThat(read).isEqualTo(DeviceFix.fromJson(fix));
    assertThat(read.simulatedPosition().toJson()).isEqualTo(new JsonObject("""
        {"deliveryId":"0b6c3d8e-5f7a-4b1c-9d2e-3f4a5b6c7d8e","routeId":"1","clientId":"client-1","seq":17,
         "position":{"lat":-15.82594,"lon":-47.92923},"finished":false,"timestamp":"2026-12-01T06:10:00.123Z"}"""));
    for (String field : DeviceFix.Simulated.FIELDS) {
      assertSameOutcome(fix.copy().put("simulated", TreeJudgement.without(fix.getJsonObject("simulated"), field)).encode());
      TreeJudgement.ODD_VALUES.forEach(odd -> assertSameOutcome(
          fix.copy().put("simulated", fix.getJsonObject("simulated").copy().put(field, odd)).encode()));
    }
  }

  @Test
  void aFixWithAndWithoutExtraAttributesReadsAsItsTreeDoes() {
    for (boolean withAttributes : new boolean[] {false, true}) {
      JsonObject fix = fix(withAttributes);
      assertSameOutcome(fix.encode());
      assertThat(DeviceFix.fromJson(fix.encode())).isEqualTo(DeviceFix.fromJson(fix));
    }
    assertThat(DeviceFix.fromJson(fix(true).encode()).attributes().getJsonObject("nested").getJsonArray("a").getJsonObject(2)
        .getBoolean("b")).isFalse();
  }

  @Test
  void everyFieldMissingNullOrOfAnotherValueIsJudgedAsTheTreeJudgesIt() {
    for (JsonObject valid : List.of(fix(false), fix(true), simulatedFix())) {
      for (String field : FIELDS) {
        assertSameOutcome(TreeJudgement.without(valid, field).encode());
        assertSameOutcome(valid.copy().put(field, null).encode());
        TreeJudgement.ODD_VALUES.forEach(odd -> assertSameOutcome(valid.copy().put(field, odd).encode()));
      }
      TreeJudgement.ODD_VALUES.forEach(odd -> {
        assertSameOutcome(valid.copy().put("position", new JsonObject().put("lat", odd).put("lon", 1)).encode());
        assertSameOutcome(valid.copy().put("attributes", new JsonObject().put("x", odd)).encode());
      });
    }
  }

  @Test
  void unknownAndRepeatedFieldsAndTextsThatAreNoObjectAreJudgedAsTheTreeJudgesThem() {
    String valid = fix(true).encode();
    String open = valid.substring(0, valid.length() - 1);
    List.of(open + ",\"extra\":{\"deviceId\":\"nested\",\"a\":[1,{\"b\":null}]}}", open + ",\"deviceId\":\"phone-2\"}",
            open + ",\"attributes\":{\"only\":1}}", open + ",\"position\":{\"lat\":1,\"lon\":2,\"alt\":3}}",
            "{}", "[]", "42", "null", "", "{", open, "{\"deviceId\":}", "x".repeat(Fields.MAX_VALUE_CHARS + 1))
        .forEach(DeviceFixReadTest::assertSameOutcome);
  }

  @Test
  void randomFixesAreJudgedAsTheTreeJudgesThem() {
    Random random = new Random(15);
    for (int i = 0; i < 3_000; i++) {
      JsonObject fix = random.nextInt(4) == 0 ? simulatedFix() : fix(random.nextBoolean());
      for (int c = 1 + random.nextInt(3); c > 0; c--) {
        String field = FIELDS.get(random.nextInt(FIELDS.size()));
        switch (random.nextInt(3)) {
          case 0 -> fix.remove(field);
          case 1 -> fix.put(field, null);
          default -> fix.put(field, TreeJudgement.ODD_VALUES.get(random.nextInt(TreeJudgement.ODD_VALUES.size())));
        }
      }
      assertSameOutcome(fix.encode());
    }
  }

  @Test
  void coordinatesOfEveryPrecisionReadAsTheTreeReadsThem() {
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      double lat = random.nextDouble() * 180 - 90;
      double lon = random.nextDouble() * 360 - 180;
      // Full precision, shortest form, and the six or seven decimals phones send.
      for (String digits : List.of("%.17g", "%s", "%.6f", "%.7f")) {
        String position = "{\"lat\":" + String.format(Locale.ROOT, digits, lat) + ",\"lon\":"
            + String.format(Locale.ROOT, digits, lon) + "}";
        String valid = fix(false).encode();
        assertSameOutcome(valid.substring(0, valid.length() - 1) + ",\"position\":" + position + "}");
      }
    }
  }

  private static void assertSameOutcome(String text) {
    TreeJudgement.assertSameOutcome(text, DeviceFix::fromJson, DeviceFix::fromJson);
  }
}
