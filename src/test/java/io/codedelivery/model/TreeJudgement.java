package io.codedelivery.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Checks that a record read in one streaming pass is judged as its parsed tree is: the same record, or the same refusal. */
final class TreeJudgement {
  /** Values of every JSON type, in and out of the ranges the records' fields accept. */
  static final List<Object> ODD_VALUES = List.of("", " ", "text", "2026-12-01T06:10:00Z", UUID.randomUUID().toString(),
      "ABCDEF00-0000-4000-8000-000000000000", 0, -1, 7, Integer.MAX_VALUE, Long.MAX_VALUE, new BigInteger("99999999999999999999"),
      0.5, -0.5, 1e9, 361.0, 1001.0, true, false, new JsonObject(), new JsonObject().put("lat", 1).put("lon", 2),
      new JsonArray(), new JsonArray().add(1));

  private TreeJudgement() {
  }

  static void assertSameOutcome(String text, Function<String, ?> streaming, Function<JsonObject, ?> fromTree) {
    List<Object> outcomes = new ArrayList<>();
    for (boolean stream : new boolean[] {false, true}) {
      try {
        outcomes.add(stream ? streaming.apply(text) : fromTree.apply(Fields.parse(text)));
      } catch (InvalidMessageException e) {
        outcomes.add("refused: " + e.getMessage());
      }
    }
    assertThat(outcomes.get(1)).as("read from %s", Fields.abbreviate(text)).isEqualTo(outcomes.get(0));
  }

  static JsonObject without(JsonObject json, String field) {
    JsonObject copy = json.copy();
    copy.remove(field);
    return copy;
  }
}
