package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codedelivery.model.LatLon;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading routes from GPX files as phone apps and GPS units export them, and every way a file is refused. */
class GpxRoutesTest {
  private static final int MAX_POINTS = 100;
  private static final String HEAD = "<?xml version=\"1.0\"?>";

  private static UploadedRoute parse(String gpx) {
    return GpxRoutes.parse(Buffer.buffer(gpx), MAX_POINTS);
  }

  private static UploadedRoute file(String name) throws Exception {
    return GpxRoutes.parse(Buffer.buffer(Files.readAllBytes(Path.of("src/test/resources/routes", name))), MAX_POINTS);
  }

  private static String track(String points) {
    return HEAD + "<gpx xmlns=\"http://www.topografix.com/GPX/1/1\" version=\"1.1\"><trk><trkseg>" + points + "</trkseg></trk></gpx>";
  }

  @Test
  void anOsmAndTrackIsEveryPointOfEverySegmentInOrderNamedAfterTheTrack() throws Exception {
    UploadedRoute route = file("osmand-track.gpx");

    assertThat(route.name()).isEqualTo("Eixo Monumental & W3 Sul");
    assertThat(route.points()).containsExactly(
        new LatLon(-15.7975131, -47.8918874), new LatLon(-15.7979462, -47.8901530), new LatLon(-15.7990317, -47.8882961),
        new LatLon(-15.8021870, -47.8861045), new LatLon(-15.8040120, -47.8850309));
  }

  @Test
  void aGarminRouteIsItsRoutePointsWithoutTheExtensionsPoints() throws Exception {
    UploadedRoute route = file("garmin-route.gpx");

    assertThat(route.name()).isEqualTo("Asa Sul deliveries");
    assertThat(route.points()).containsExactly(
        new LatLon(-15.8125, -47.903), new LatLon(-15.82, -47.91), new LatLon(-15.826, -47.929));
  }

  @Test
  void aFileWithARouteAndATrackIsTheTrackAndAFileWithoutNamesIsNamedAfterItsMetadata() {
    String gpx = HEAD + "<gpx version=\"1.0\" xmlns=\"http://www.topografix.com/GPX/1/0\"><metadata><name>Plan</name></metadata>"
        + "<rte><rtept lat=\"1\" lon=\"1\"/><rtept lat=\"2\" lon=\"2\"/></rte>"
        + "<trk><trkseg><trkpt lat=\"3\" lon=\"3\"/><trkpt lat=\"4\" lon=\"4\"/></trkseg></trk></gpx>";

    UploadedRoute route = parse(gpx);

    assertThat(route.name()).isEqualTo("Plan");
    assertThat(route.points()).containsExactly(new LatLon(3, 3), new LatLon(4, 4));
  }

  @Test
  void aFileWithoutNamespaceIsReadToo() {
    UploadedRoute route = parse("<gpx><trk><trkseg><trkpt lat=\"1.5\" lon=\"-2\"/><trkpt lat=\"+1.25e1\" lon=\"2.\"/></trkseg></trk></gpx>");

    assertThat(route.name()).isNull();
    assertThat(route.points()).containsExactly(new LatLon(1.5, -2), new LatLon(12.5, 2));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "<gpx><trk><trkseg><trkpt lat='1' lon='2'>                    | not well-formed XML",
      "<kml><Document/></kml>                                        | the root element is <kml>, not <gpx>",
      "<gpx><wpt lat='1' lon='2'/><wpt lat='3' lon='4'/></gpx>       | at least 2 points; this one has 0",
      "<gpx><trk><trkseg><trkpt lat='1' lon='2'/></trkseg></trk></gpx> | at least 2 points; this one has 1",
      "<gpx><trk><trkseg><trkpt lat='1' lon='2'/><trkpt lat='NaN' lon='2'/></trkseg></trk></gpx> | track point 2: lat 'NaN' is not a number",
      "<gpx><trk><trkseg><trkpt lat='1' lon='2'/><trkpt lat='1' lon='Infinity'/></trkseg></trk></gpx> | track point 2: lon 'Infinity' is not a number",
      "<gpx><trk><trkseg><trkpt lat='1'/></trkseg></trk></gpx>      | track point 1 has no 'lon' attribute",
      "<gpx><rte><rtept lat='91' lon='2'/><rtept lat='1' lon='2'/></rte></gpx> | route point 1: latitude 91.0 is outside -90..90",
      "<gpx><rte><rtept lat='1' lon='2'/><rtept lat='1' lon='-180.5'/></rte></gpx> | route point 2: longitude -180.5 is outside -180..180",
  })
  void aFileThatIsNoRouteIsRefusedSayingWhy(String gpx, String reason) {
    assertThatThrownBy(() -> parse(gpx.replace('\'', '"'))).isInstanceOf(RouteFormatException.class).hasMessageContaining(reason);
  }

  @Test
  void moreThanTheLimitOfPointsIsRefused() {
    String points = IntStream.rangeClosed(0, MAX_POINTS).mapToObj(i -> "<trkpt lat=\"1\" lon=\"" + i * 0.001 + "\"/>").collect(Collectors.joining());

    assertThatThrownBy(() -> parse(track(points))).hasMessageContaining("more than " + MAX_POINTS + " points");
  }

  @Test
  void entityExpansionIsRefusedBeforeAnythingIsExpanded() {
    assertThatThrownBy(() -> parse(HostileGpx.billionLaughs())).isInstanceOf(RouteFormatException.class)
        .hasMessageContaining("may not have a DOCTYPE");
  }

  @Test
  void externalEntitiesAndDtdsAreNeverFetched() throws Exception {
    try (HostileGpx hostile = new HostileGpx()) {
      for (String gpx : List.of(hostile.externalEntity(), HostileGpx.localFileEntity(), hostile.externalDtd())) {
        assertThatThrownBy(() -> parse(gpx)).isInstanceOf(RouteFormatException.class).hasMessageContaining("may not have a DOCTYPE");
      }
      assertThat(hostile.fetched()).as("requests the parser made").isZero();
    }
  }
}
