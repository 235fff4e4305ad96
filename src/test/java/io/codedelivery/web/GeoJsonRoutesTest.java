package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codedelivery.model.LatLon;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading routes from GeoJSON as drawing tools save them, and every way a file is refused. */
class GeoJsonRoutesTest {
  private static final int MAX_POINTS = 100;

  private static UploadedRoute parse(String json) {
    return GeoJsonRoutes.parse(Buffer.buffer(json), MAX_POINTS);
  }

  private static String line(String coordinates) {
    return "{\"type\":\"LineString\",\"coordinates\":" + coordinates + "}";
  }

  @Test
  void aLineDrawnOnGeojsonIoIsReadWithItsNameAndLongitudeFirst() throws Exception {
    UploadedRoute route = GeoJsonRoutes.parse(Buffer.buffer(Files.readAllBytes(Path.of("src/test/resources/routes/geojson-io.geojson"))), MAX_POINTS);

    assertThat(route.name()).isEqualTo("Esplanada loop");
    // RFC 7946: [longitude, latitude]; Brasília is at about 15.8° S, 47.9° W.
    assertThat(route.points()).containsExactly(
        new LatLon(-15.7989, -47.8825), new LatLon(-15.8001, -47.8791), new LatLon(-15.8012, -47.8755), new LatLon(-15.8030, -47.8720));
  }

  @Test
  void aBareLineStringAndAFeatureAreRoutesToo() {
    UploadedRoute bare = parse(line("[[10.5, 59.9], [10.6, 59.8]]"));
    UploadedRoute feature = parse("{\"type\":\"Feature\",\"properties\":null,\"geometry\":" + line("[[10.5, 59.9], [10.6, 59.8]]") + "}");

    assertThat(bare.name()).isNull();
    assertThat(bare.points()).containsExactly(new LatLon(59.9, 10.5), new LatLon(59.8, 10.6));
    assertThat(feature.points()).isEqualTo(bare.points());
  }

  @Test
  void aNameIsOneShortLine() {
    String name = "  Night\nround \t" + "x".repeat(300);
    UploadedRoute route = parse(new JsonObject().put("type", "Feature").put("properties", new JsonObject().put("name", name))
        .put("geometry", new JsonObject(line("[[1, 2], [3, 4]]"))).encode());

    assertThat(route.name()).startsWith("Night round xxx").hasSize(UploadedRoute.MAX_NAME_CHARS).doesNotContain("\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json at all                                                  | not valid JSON",
      "[[1, 2], [3, 4]]                                                 | must be a GeoJSON object",
      "{\"type\":\"Point\",\"coordinates\":[1, 2]}                      | is a Point; a route must be a LineString",
      "{\"type\":\"MultiLineString\",\"coordinates\":[[[1, 2], [3, 4]]]} | is a MultiLineString",
      "{\"type\":\"Feature\",\"geometry\":null}                         | has no geometry",
      "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\"}}       | the Feature's geometry is a Polygon",
      "{\"type\":\"FeatureCollection\",\"features\":[]}                 | exactly one Feature (the route); it holds 0",
      "{\"coordinates\":[[1, 2], [3, 4]]}                               | of no GeoJSON type",
      "{\"type\":\"LineString\"}                                        | no 'coordinates' array",
      "{\"type\":\"LineString\",\"coordinates\":[[1, 2]]}               | at least 2 points; this one has 1",
      "{\"type\":\"LineString\",\"coordinates\":[[1, 2], [3, 95]]}      | coordinates[1]: latitude 95.0 is outside -90..90",
      "{\"type\":\"LineString\",\"coordinates\":[[181, 2], [3, 4]]}     | coordinates[0]: longitude 181.0 is outside -180..180",
      "{\"type\":\"LineString\",\"coordinates\":[[1, 2], [1e999, 4]]}   | coordinates[1]: coordinates must be finite numbers",
      "{\"type\":\"LineString\",\"coordinates\":[[1, 2], [\"3\", 4]]}   | coordinates[1] must be a position [longitude, latitude] of numbers",
      "{\"type\":\"LineString\",\"coordinates\":[[1, 2], [3]]}          | coordinates[1] must be a position",
  })
  void aFileThatIsNoRouteIsRefusedSayingWhy(String json, String reason) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(RouteFormatException.class).hasMessageContaining(reason);
  }

  @Test
  void aFeatureCollectionOfTwoFeaturesIsRefused() {
    JsonObject feature = new JsonObject().put("type", "Feature").put("geometry", new JsonObject(line("[[1, 2], [3, 4]]")));
    String collection = new JsonObject().put("type", "FeatureCollection").put("features", new JsonArray().add(feature).add(feature)).encode();

    assertThatThrownBy(() -> parse(collection)).hasMessageContaining("exactly one Feature (the route); it holds 2");
  }

  @Test
  void moreThanTheLimitOfPointsIsRefused() {
    JsonArray atLimit = new JsonArray(IntStream.range(0, MAX_POINTS).mapToObj(i -> new JsonArray().add(i * 0.001).add(1)).toList());
    JsonArray overLimit = atLimit.copy().add(new JsonArray().add(1).add(1));

    assertThat(parse(line(atLimit.encode())).points()).hasSize(MAX_POINTS);
    assertThatThrownBy(() -> parse(line(overLimit.encode())))
        .hasMessageContaining("more than " + MAX_POINTS + " points");
  }
}
