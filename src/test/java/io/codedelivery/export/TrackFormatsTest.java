package io.codedelivery.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.model.LatLon;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Each export format, written as the web layer writes it (pass by pass), read back with an ordinary parser. */
class TrackFormatsTest {
  private static final String ID = "6f1c2a34-0000-4000-8000-000000000001";
  private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
  /** A name with everything XML and JSON must escape, and a control character XML 1.0 cannot hold at all. */
  private static final String AWKWARD_NAME = "Order <42> & \"Ana's\"\u0007 café";

  private static List<TrackPoint> track(int points) {
    return IntStream.range(0, points).mapToObj(i -> new TrackPoint(START.plusSeconds(10L * i).toEpochMilli(), START.plusSeconds(10L * i),
        new LatLon(sevenDecimals(-15.8 + i * 0.00001), sevenDecimals(-47.9 - i * 0.0001)), i % 2 == 0 ? 8.5 : null, i % 2 == 0 ? 90.0 : null, 4.0, 77.0)).toList();
  }

  /** As a device reports them (and as the test's expectations write them), without floating-point residue. */
  private static double sevenDecimals(double degrees) {
    return Math.round(degrees * 1e7) / 1e7;
  }

  /** As the web layer drives a writer: every pass over the same points, the bytes taken after each call. */
  static String written(TrackFormat format, String name, List<TrackPoint> points) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrackWriter writer = format.writer(out, ID, name);
    writer.begin();
    for (int pass = 0; pass < writer.passes(); pass++) {
      writer.beginPass(pass);
      points.forEach(writer::point);
      writer.endPass();
      writer.flush();
    }
    writer.end();
    writer.flush();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Document xml(String text) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void gpxIsOneNamedTrackSegmentOfEveryPointWithItsTimeAndReportedSpeedAndCourse() throws Exception {
    List<TrackPoint> points = track(5);
    Document gpx = xml(written(TrackFormat.GPX, AWKWARD_NAME, points));

    Element root = gpx.getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo("http://www.topografix.com/GPX/1/1");
    assertThat(root.getAttribute("version")).isEqualTo("1.1");
    assertThat(root.getAttribute("creator")).isEqualTo("Code Delivery");
    assertThat(gpx.getElementsByTagNameNS(GpxWriter.NAMESPACE, "trk").getLength()).isEqualTo(1);
    assertThat(gpx.getElementsByTagNameNS(GpxWriter.NAMESPACE, "name").item(0).getTextContent()).isEqualTo("Order <42> & \"Ana's\" café");
    NodeList trkpts = gpx.getElementsByTagNameNS(GpxWriter.NAMESPACE, "trkpt");
    assertThat(trkpts.getLength()).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      Element trkpt = (Element) trkpts.item(i);
      assertThat(Double.parseDouble(trkpt.getAttribute("lat"))).isEqualTo(points.get(i).position().lat());
      assertThat(Double.parseDouble(trkpt.getAttribute("lon"))).isEqualTo(points.get(i).position().lon());
      assertThat(trkpt.getAttribute("lat")).doesNotContain("E");
      assertThat(trkpt.getElementsByTagNameNS(GpxWriter.NAMESPACE, "time").item(0).getTextContent()).isEqualTo(points.get(i).time().toString());
    }
    NodeList speeds = gpx.getElementsByTagNameNS(GpxWriter.GARMIN_NAMESPACE, "speed");
    assertThat(speeds.getLength()).as("only points with a reported speed").isEqualTo(3);
    assertThat(speeds.item(0).getTextContent()).isEqualTo("8.5");
    assertThat(gpx.getElementsByTagNameNS(GpxWriter.GARMIN_NAMESPACE, "course").item(0).getTextContent()).isEqualTo("90");
  }

  @Test
  void kmlHasATimedTrackAndALineOfLonLatCoordinates() throws Exception {
    List<TrackPoint> points = track(4);
    Document kml = xml(written(TrackFormat.KML, AWKWARD_NAME, points));

    assertThat(kml.getDocumentElement().getNamespaceURI()).isEqualTo(KmlWriter.NAMESPACE);
    NodeList whens = kml.getElementsByTagNameNS(KmlWriter.NAMESPACE, "when");
    NodeList coords = kml.getElementsByTagNameNS(KmlWriter.GX_NAMESPACE, "coord");
    assertThat(whens.getLength()).isEqualTo(4);
    assertThat(coords.getLength()).isEqualTo(4);
    assertThat(whens.item(3).getTextContent()).isEqualTo(points.get(3).time().toString());
    assertThat(coords.item(3).getTextContent()).isEqualTo("-47.9003 -15.79997 0");
    String line = kml.getElementsByTagNameNS(KmlWriter.NAMESPACE, "coordinates").item(0).getTextContent();
    assertThat(line.split(" ")).containsExactly("-47.9,-15.8", "-47.9001,-15.79999", "-47.9002,-15.79998", "-47.9003,-15.79997");
  }

  @Test
  void aOnePointTrackIsStillAValidLineAndAnEmptyOneHasNoLine() throws Exception {
    Document one = xml(written(TrackFormat.KML, "one", track(1)));
    Document none = xml(written(TrackFormat.KML, "none", List.of()));
    JsonObject oneJson = new JsonObject(written(TrackFormat.GEOJSON, "one", track(1)));
    JsonObject noneJson = new JsonObject(written(TrackFormat.GEOJSON, "none", List.of()));

    assertThat(one.getElementsByTagNameNS(KmlWriter.NAMESPACE, "coordinates").item(0).getTextContent().split(" ")).hasSize(2);
    assertThat(none.getElementsByTagNameNS(KmlWriter.NAMESPACE, "LineString").getLength()).isZero();
    assertThat(feature(oneJson).getJsonObject("geometry").getJsonArray("coordinates")).hasSize(2);
    assertThat(feature(noneJson).getValue("geometry")).isNull();
    assertThat(feature(noneJson).getJsonObject("properties").getJsonObject("coordinateProperties").getJsonArray("times")).isEmpty();
  }

  private static JsonObject feature(JsonObject collection) {
    assertThat(collection.getString("type")).isEqualTo("FeatureCollection");
    assertThat(collection.getJsonArray("features")).hasSize(1);
    return collection.getJsonArray("features").getJsonObject(0);
  }

  @Test
  void geoJsonIsOneLineStringFeatureWithATimePerCoordinate() {
    List<TrackPoint> points = track(3);
    JsonObject feature = feature(new JsonObject(written(TrackFormat.GEOJSON, AWKWARD_NAME, points)));

    assertThat(feature.getJsonObject("geometry").getString("type")).isEqualTo("LineString");
    JsonArray coordinates = feature.getJsonObject("geometry").getJsonArray("coordinates");
    assertThat(coordinates).containsExactly(new JsonArray().add(-47.9).add(-15.8), new JsonArray().add(-47.9001).add(-15.79999),
        new JsonArray().add(-47.9002).add(-15.79998));
    JsonObject properties = feature.getJsonObject("properties");
    assertThat(properties.getString("name")).isEqualTo(AWKWARD_NAME);
    assertThat(properties.getString("deliveryId")).isEqualTo(ID);
    assertThat(properties.getJsonObject("coordinateProperties").getJsonArray("times"))
        .containsExactly(points.stream().map(p -> (Object) p.time().toString()).toArray());
  }

  @Test
  void csvHasTheHeaderThenALinePerPointWithEmptyFieldsForWhatWasNotReported() {
    String csv = written(TrackFormat.CSV, "ignored", track(2));

    assertThat(csv).isEqualTo("seq,time,lat,lon,speed,heading,accuracy,battery\r\n"
        + START.toEpochMilli() + "," + START + ",-15.8,-47.9,8.5,90,4,77\r\n"
        + START.plusSeconds(10).toEpochMilli() + "," + START.plusSeconds(10) + ",-15.79999,-47.9001,,,4,77\r\n");
  }

  @Test
  void csvFieldsAreQuotedOnlyWhenTheyMustBe() {
    assertThat(Csv.line(java.util.Arrays.asList("plain", null, "a,b", "say \"hi\"", "two\nlines")))
        .isEqualTo("plain,,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
  }

  @ParameterizedTest
  @EnumSource(TrackFormat.class)
  void everyFormatIsFoundByItsExtension(TrackFormat format) {
    assertThat(TrackFormat.ofExtension(format.extension())).contains(format);
  }
}
