package io.codedelivery.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTest {
  // Two legs: 0.01° east along the equator (about 1113 m), then 0.01° north.
  private final Route route = new Route("r", "Corner", List.of(new LatLon(0, 0), new LatLon(0, 0.01), new LatLon(0.01, 0.01)));

  @Test
  void aPlaceOnTheLineBetweenTwoFarPointsIsOnTheRoute() {
    assertThat(route.metresFrom(new LatLon(0, 0.005))).isLessThan(0.5);
    assertThat(route.metresFrom(new LatLon(0.004, 0.01))).isLessThan(0.5);
    assertThat(route.metresFrom(route.end())).isLessThan(0.5);
  }

  @Test
  void aPlaceBesideALegIsAsFarAsItsPerpendicularDistance() {
    // 0.002° south of the middle of the first leg: about 222 m, although its nearest point is 556 m away.
    LatLon beside = new LatLon(-0.002, 0.005);
    assertThat(route.metresFrom(beside)).isCloseTo(222.4, within(1.0));
    assertThat(beside.metresTo(route.start())).isGreaterThan(500);
  }

  @Test
  void beyondAnEndTheDistanceIsToThatEnd() {
    LatLon beforeStart = new LatLon(0, -0.003);
    assertThat(route.metresFrom(beforeStart)).isCloseTo(beforeStart.metresTo(route.start()), within(1.0));
    LatLon insideTheCorner = new LatLon(0.003, 0.007);
    assertThat(route.metresFrom(insideTheCorner)).isCloseTo(333.6, within(1.0));
  }
}
