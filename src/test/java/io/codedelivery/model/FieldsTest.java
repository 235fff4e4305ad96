package io.codedelivery.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each refusal names the field and what it must be: that text is what a dead-lettered record or a 400 says. */
class FieldsTest {

  @Test
  void recordsAreEncodedToTheTextJsonObjectWrites() {
    Position device = new Position("0b6c3d8e-5f7a-4b1c-9d2e-3f4a5b6c7d8e", null, null, 1_764_569_399_250L,
        new LatLon(-15.825940000000001, -47.92923), true, Instant.parse("2026-12-01T06:10:00.123Z"),
        new Position.Fix("phone-\u00e9\"1", Instant.parse("2026-12-01T06:09:59.250Z"), 12.5, 270.0, 8.0, 55.0),
        new Position.Estimate(0, 1, Instant.parse("2026-12-01T06:10:00Z")));
    DeviceFix fix = new DeviceFix("phone-1", Instant.EPOCH, Instant.EPOCH, new LatLon(1e-7, -180), null, null, null, null, null,
        "osmand", new JsonObject().put("nested", new JsonObject().put("list", new JsonArray().add(1).addNull()))
        .put("big", 12_345_678_901L).put("text", "tab\tand </script>"));
    for (JsonObject json : List.of(device.toJson(), fix.toJson(), DeviceFix.ofSimulatedVehicle(
        new DeviceFix.Simulated("0b6c3d8e-5f7a-4b1c-9d2e-3f4a5b6c7d8e", "1", null, 0, false), new LatLon(0, 0), Instant.EPOCH).toJson())) {
      assertThat(Fields.encode(json)).isEqualTo(json.encode());
    }
  }

  @Test
  void parseGivesOneJsonObjectAndRefusesAnythingElseWithAReason() {
    assertThat(Fields.parse("{\"a\":1}")).isEqualTo(new JsonObject().put("a", 1));
    assertThatThrownBy(() -> Fields.parse(null)).isInstanceOf(InvalidMessageException.class).hasMessage("empty value");
    assertThatThrownBy(() -> Fields.parse("[1,2]")).isInstanceOf(InvalidMessageException.class).hasMessage("not a JSON object");
    assertThatThrownBy(() -> Fields.parse("{\"a\":")).isInstanceOf(InvalidMessageException.class).hasMessage("not a JSON object");
    assertThatThrownBy(() -> Fields.parse("\"text\"")).isInstanceOf(InvalidMessageException.class).hasMessage("not a JSON object");
  }

  @Test
  void parseRefusesAValueBeyondTheLimitUnreadButTakesOneAtIt() {
    String head = "{\"p\":\"";
    String tail = "\"}";
    String atLimit = head + "x".repeat(Fields.MAX_VALUE_CHARS - head.length() - tail.length()) + tail;
    assertThat(Fields.parse(atLimit).getString("p")).hasSize(Fields.MAX_VALUE_CHARS - head.length() - tail.length());
    assertThatThrownBy(() -> Fields.parse(atLimit + " "))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("exceeds the limit of " + Fields.MAX_VALUE_CHARS);
  }

  @Test
  void abbreviateKeepsShortTextAndCutsLongTextToFortyCharactersAndAnEllipsis() {
    String forty = "r".repeat(40);
    assertThat(Fields.abbreviate(forty)).isEqualTo(forty);
    assertThat(Fields.abbreviate(forty + "tail")).isEqualTo(forty + "…");
    assertThat(Fields.abbreviate("")).isEmpty();
  }

  @Test
  void stringsMustBePresentAndNotBlankWhileOptionalOnesMayBeAbsent() {
    JsonObject json = new JsonObject().put("id", "1").put("blank", "  ").put("number", 1);
    assertThat(Fields.string(json, "id")).isEqualTo("1");
    assertRefused(() -> Fields.string(json, "blank"), "'blank' must be a non-empty string");
    assertRefused(() -> Fields.string(json, "missing"), "'missing' must be a non-empty string");
    assertThat(Fields.optionalString(json, "missing")).isNull();
    assertRefused(() -> Fields.optionalString(json, "number"), "'number' must be a string when present");
  }

  @Test
  void deliveryIdsMustBeLowerCaseCanonicalUuids() {
    String id = "0d63475e-5dfb-49d4-a98b-143842d6b37e";
    assertThat(Fields.deliveryId(new JsonObject().put("id", id), "id")).isEqualTo(id);
    assertRefused(() -> Fields.deliveryId(new JsonObject().put("id", id.toUpperCase()), "id"), "'id' must be a lower-case UUID");
    assertRefused(() -> Fields.deliveryId(new JsonObject().put("id", "1-2-3-4-5"), "id"), "'id' must be a lower-case UUID");
  }

  @Test
  void seqsAreWholeNumbersFromZero() {
    assertThat(Fields.nonNegativeLong(new JsonObject().put("seq", 0), "seq")).isZero();
    assertThat(Fields.nonNegativeLong(new JsonObject().put("seq", 5_000_000_000L), "seq")).isEqualTo(5_000_000_000L);
    for (Object bad : new Object[] {-1, 1.5, "3", true}) {
      assertRefused(() -> Fields.nonNegativeLong(new JsonObject().put("seq", bad), "seq"), "'seq' must be a whole number ≥ 0");
    }
  }

  @Test
  void coordinatesMustBeNumbersWithinTheirRangeBoundsIncluded() {
    assertThat(LatLon.fromJson(new JsonObject().put("lat", -90).put("lon", 180))).isEqualTo(new LatLon(-90, 180));
    assertRefused(() -> LatLon.fromJson(new JsonObject().put("lat", 90.0001).put("lon", 0)), "'lat' must be a number from -90.0 to 90.0");
    assertRefused(() -> LatLon.fromJson(new JsonObject().put("lat", 0).put("lon", -181)), "'lon' must be a number from -180.0 to 180.0");
    assertRefused(() -> LatLon.fromJson(new JsonObject().put("lat", Double.NaN).put("lon", 0)), "'lat' must be a number");
    assertRefused(() -> LatLon.fromJson(new JsonObject().put("lat", "0").put("lon", 0)), "'lat' must be a number");
  }

  @Test
  void flagsObjectsAndInstantsMustBeOfTheirType() {
    JsonObject json = new JsonObject().put("finished", "true").put("position", "here").put("at", "yesterday")
        .put("when", "2026-01-01T00:00:00Z");
    assertRefused(() -> Fields.bool(json, "finished"), "'finished' must be true or false");
    assertRefused(() -> Fields.object(json, "position"), "'position' must be an object");
    assertRefused(() -> Fields.instant(json, "at"), "'at' must be an ISO-8601 instant");
    assertThat(Fields.instant(json, "when")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void aPositionNamesTheFirstFieldItCannotUse() {
    String valid = new Position("0d63475e-5dfb-49d4-a98b-143842d6b37e", "1", null, 3, new LatLon(-15.8, -47.9), false,
        Instant.parse("2026-01-01T00:00:00Z")).toJson().encode();
    assertThat(Position.fromJson(valid).seq()).isEqualTo(3);
    assertRefused(() -> Position.fromJson(new JsonObject(valid).put("seq", -3)), "'seq' must be a whole number ≥ 0");
    assertRefused(() -> Position.fromJson(new JsonObject(valid).put("routeId", "")), "'routeId' must be a non-empty string");
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
    assertThatThrownBy(call).isInstanceOf(InvalidMessageException.class).hasMessageStartingWith(reason);
  }

  @Test
  void instantsReadAsTheJdkReadsThemWhateverTheirFormAndRefusedAsItRefusesThem() {
    java.util.Random random = new java.util.Random(15);
    for (int i = 0; i < 10_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L), random.nextInt(1_000_000_000));
      // Every precision Instant.toString writes: none, milliseconds, microseconds, nanoseconds.
      for (Instant truncated : List.of(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
          instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS), instant)) {
        assertThat(Fields.parseInstant(truncated.toString())).isEqualTo(truncated);
      }
    }
    for (String other : List.of("2026-12-01T06:10:00.5Z", "2026-12-01T06:10:00+01:00", "2026-12-01T23:59:60Z", "2026-12-01T24:00:00Z",
        "+12026-12-01T06:10:00Z", "2026-12-01t06:10:00z")) {
      assertThat(Fields.parseInstant(other)).as(other).isEqualTo(Instant.parse(other));
    }
    for (String bad : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-12-01T06:61:00Z", "2026-12-01T06:10:0xZ", "2026-12-01T06:10:00.12aZ", "2026-12-01 06:10:00Z")) {
      assertThatThrownBy(() -> Fields.instant(new JsonObject().put("t", bad), "t")).as(bad)
          .isInstanceOf(InvalidMessageException.class).hasMessage("'t' must be an ISO-8601 instant");
    }
  }
}
