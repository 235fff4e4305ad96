package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Role;
import io.codedelivery.config.Setting;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Route;
import io.codedelivery.model.Topics;
import io.codedelivery.support.KafkaRecords;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;

/**
 * The live operations map in a real (headless) Chromium: a page opened while deliveries are on the road
 * lists them (with an ETA) from the server, a finished delivery can be replayed along its stored track, and
 * when the HTTP server (REST + SockJS) goes away and comes back the page says so ("updates paused since…", ETAs
 * greyed) and ends up with every position of a delivery exactly once. A page opened later lists under Recent every
 * delivery that ended, however it ended, older ones a page at a time, and draws today's finished trails when asked;
 * a click on a vehicle follows its delivery; the route catalogue's depots lie under the vehicles and clusters on them. Screenshots of the main states, including a 360 px phone view, go to
 * {@code target/screenshots/}.
 */
class LiveOperationsIT extends MapPageTestBase {
  /**
   * How far (map pixels) the vehicle may be from where a route point is drawn: Leaflet rounds every drawn
   * point to a whole pixel, and a point between the route's ends is placed from those rounded ends.
   */
  private static final double SAME_SPOT_PX = 1.5;

  private static String item(String listId, String deliveryId) {
    return "#" + listId + " li.delivery[data-delivery-id='" + deliveryId + "']";
  }

  @Test
  void aPageOpenedWhileDeliveriesAreRunningListsThemWithAnEtaAndFollowsThemToTheEnd() throws Exception {
    Route longRoute = route("3");
    try (Browser browser = signedIn()) {
      // Signed in first, then away from the console while the deliveries run, so the page opens right after.
      browser.get("about:blank");
      String done = startOverRest("1");
      waitUpTo().until(() -> status(done), "finished"::equals);
      String running = startOverRest("3");
      // Some way along, with about ten seconds still to go when the page opens.
      JsonObject runningState = waitUpTo().until(() -> deliveryState(running),
          state -> state != null && state.getLong("lastSeq", -1L) >= 20);
      assertThat(runningState.getString("status")).as("still on the road when the page opens").isEqualTo("in-transit");

      Instant openedAt = Instant.now();
      browser.openPage(stack.baseUrl() + "/");

      // Neither delivery was announced to this page: only the REST lists read on load can show them.
      waitUpTo().until(() -> browser.deliveryIdsIn("active").contains(running));
      waitUpTo().until(() -> browser.deliveryIdsIn("recent").contains(done));
      assertThat(browser.find(item("recent", done) + " .remaining").getText()).isEqualTo("arrived");

      // Followed (a click on its item), its stored track so far comes, from seq 0, and live positions keep coming.
      browser.find(item("active", running) + " button.follow").click();
      // A live position may land just before the stored ones ahead of it (a gap for a moment, which the page fills by
      // seq): what must hold is that the trail becomes whole from seq 0, past where the delivery was when the page opened.
      waitUpTo().alias("the followed delivery's trail whole from seq 0 (no gap left in the loaded prefix)")
          .until(() -> browser.delivery(running).seqs(), seqs -> seqs.size() > runningState.getLong("lastSeq")
              && seqs.equals(LongStream.range(0, seqs.size()).boxed().toList()));

      WebElement eta = browser.find(item("active", running) + " .eta");
      assertThat(eta.getText()).matches("ETA \\d\\d:\\d\\d:\\d\\d \\((~\\d+ (s|min)|arriving)\\)");
      Instant expected = Instant.parse(eta.getDomAttribute("datetime"));
      // remaining points × 60 ms from the latest position: at most the whole route from now.
      assertThat(expected).isBetween(openedAt.minusSeconds(2),
          Instant.now().plusMillis(longRoute.points().size() * Long.parseLong(INTERVAL_MS) + 2000));
      String firstEta = eta.getText();
      browser.screenshot("live-opened-with-running-delivery");

      browser.resize(360, 740);
      waitUpTo().until(() -> ((Number) browser.js("return window.innerWidth;")).intValue() <= 400);
      assertPanelAboveMapWithoutSideways(browser);
      browser.screenshot("live-phone-360");
      browser.resize(1280, 900);

      waitUpTo().until(() -> browser.delivery(running).finished());
      waitUpTo().until(() -> browser.deliveryIdsIn("recent").contains(running));
      // Its arrival can reach the page a moment before its last positions; the page then reads the stored track (again,
      // a little later each time, until it is whole): what must hold is that it ends up with every seq exactly once.
      waitUpTo().alias("seqs 0..199, no gap, no duplicate")
          .until(() -> browser.delivery(running).seqs(), seqs -> seqs.equals(allSeqsOf(longRoute)));
      assertThat(browser.find(item("recent", running) + " .eta").getText()).as("no ETA once arrived").isEmpty();
      assertThat(firstEta).isNotBlank();
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  @Test
  void aFinishedDeliveryReplaysAlongItsStoredTrackToTheRoutesLastPoint() throws Exception {
    Route route = route("2");
    LatLon first = route.points().get(0);
    LatLon last = route.points().get(route.points().size() - 1);
    String id = startOverRest("2");
    waitUpTo().until(() -> status(id), "finished"::equals);

    try (Browser browser = signedIn()) {
      browser.openPage(stack.baseUrl() + "/");
      waitUpTo().until(() -> browser.deliveryIdsIn("recent").contains(id));
      assertThat(browser.find("#replay").isDisplayed()).as("no replay until one is chosen").isFalse();
      assertThat(browser.replay()).isNull();

      WebElement select = browser.find(item("recent", id) + " button.follow");
      assertThat(select.getDomAttribute("aria-label")).isEqualTo("Replay the delivery on " + route.title() + " · " + id.substring(0, 8));
      select.click();

      Map<String, Object> opened = waitUpTo().until(browser::replay, r -> r != null && id.equals(r.get("deliveryId")));
      assertThat(browser.find("#replay").isDisplayed()).isTrue();
      assertThat(((Number) opened.get("count")).intValue()).as("the whole stored track").isEqualTo(route.points().size());
      assertThat(((Number) opened.get("index")).intValue()).isZero();
      assertThat(opened.get("playing")).isEqualTo(false);
      assertSpot("the vehicle is back at the start", browser, id, route, first);
      WebElement slider = browser.find("#replay-slider");
      assertThat(slider.getDomAttribute("max")).isEqualTo(String.valueOf(route.points().size() - 1));
      for (String control : List.of("#replay-play", "#replay-speed", "#replay-slider", "#replay-close")) {
        assertThat(browser.find(control).getDomAttribute("aria-label")).as("%s is labelled", control).isNotBlank();
      }
      browser.screenshot("replay-opened");

      new Select(browser.find("#replay-speed")).selectByValue("16");
      browser.find("#replay-play").click();
      Set<Integer> indexesSeen = ConcurrentHashMap.newKeySet();
      Map<String, Object> ended = await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
          .until(() -> {
            Map<String, Object> now = browser.replay();
            indexesSeen.add(((Number) now.get("index")).intValue());
            return now;
          }, r -> Boolean.TRUE.equals(r.get("done")));
      assertThat(((Number) ended.get("speed")).intValue()).isEqualTo(16);
      assertThat(ended.get("playing")).isEqualTo(false);
      assertThat(((Number) ended.get("index")).intValue()).isEqualTo(route.points().size() - 1);
      assertThat(slider.getDomProperty("value")).as("slider at its max").isEqualTo(slider.getDomAttribute("max"));
      assertThat(indexesSeen).as("the vehicle went through the points in between, not straight to the end")
          .anyMatch(i -> i > 0 && i < route.points().size() - 1);
      assertSpot("the vehicle ends at the route's last point", browser, id, route, last);
      assertThat(browser.find("#replay-play").getDomAttribute("aria-label")).isEqualTo("Replay again from the start");
      browser.screenshot("replay-finished");

      // Keyboard: the slider jumps to the start with Home and steps with the arrow keys; Tab shows focus.
      slider.sendKeys(Keys.HOME);
      waitUpTo().until(() -> ((Number) browser.replay().get("index")).intValue() == 0);
      assertSpot("Home: back at the start", browser, id, route, first);
      slider.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
      waitUpTo().until(() -> ((Number) browser.replay().get("index")).intValue() == 2);
      assertThat(browser.replay().get("valueText")).asString().startsWith("Point 3 of " + route.points().size() + ", ");
      assertSpot("two steps along", browser, id, route, route.points().get(2));
      browser.find("#replay-play").sendKeys(Keys.ENTER);
      waitUpTo().until(() -> Boolean.TRUE.equals(browser.replay().get("done")));
      assertSpot("played to the end again", browser, id, route, last);
      new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
      assertThat(browser.js("return document.activeElement.id;")).isEqualTo("replay-speed");
      assertThat(browser.js("return getComputedStyle(document.activeElement).outlineStyle;"))
          .as("keyboard focus is visible").isEqualTo("solid");

      // The same replay on a phone: the controls fit the 360 px screen below the stacked panel.
      browser.resize(360, 740);
      waitUpTo().until(() -> ((Number) browser.js("return window.innerWidth;")).intValue() <= 400);
      assertPanelAboveMapWithoutSideways(browser);
      assertThat((Boolean) browser.js("""
          const r = document.getElementById('replay').getBoundingClientRect();
          return r.left >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight && r.width > 0;"""))
          .as("replay controls fully on the phone screen").isTrue();
      browser.screenshot("replay-phone-360");
      browser.resize(1280, 900);

      browser.find("#replay-close").click();
      waitUpTo().until(() -> browser.replay() == null);
      assertThat(browser.find("#replay").isDisplayed()).isFalse();
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }

    // An operator's link to a finished delivery opens straight into its replay.
    try (Browser browser = signedIn()) {
      browser.openPage(stack.baseUrl() + "/#/deliveries/" + id);
      Map<String, Object> opened = waitUpTo().until(browser::replay, r -> r != null && id.equals(r.get("deliveryId")));
      assertThat(((Number) opened.get("count")).intValue()).isEqualTo(route.points().size());
      assertThat(browser.find("#replay").isDisplayed()).isTrue();
      assertThat(browser.noticeTexts()).as("an old arrival is not announced as news")
          .noneMatch(text -> text.endsWith("finished"));
      browser.screenshot("replay-from-share-link");
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  @Test
  void whenTheServerGoesAwayThePageSaysSoThenCatchesUpWithNoDuplicateAndNoGap() throws Exception {
    Route route = route("3");
    // The page's server is a web tier of its own, as deployed behind a load balancer, so it can go away while the
    // simulation and persistence of the stack go on.
    try (TestStack webTier = TestStack.alongside(stack, Set.of(Role.BRIDGE, Role.WEB));
        Browser browser = Browser.openSignedIn(webTier)) {
      browser.openPage(webTier.baseUrl() + "/");
      browser.find("#routes li.route button.start[data-route-id='3']").click();
      String id = waitUpTo().until(() -> browser.deliveryIdsIn("active").stream()
          .filter(d -> browser.delivery(d).title().startsWith(route.title() + " · ") && !browser.delivery(d).finished()).toList(),
          ids -> ids.size() == 1).get(0);
      // Followed (a click on its item): every position of it comes live, and what the page misses is caught up by seq.
      browser.find(item("active", id) + " button.follow").click();
      waitUpTo().until(() -> browser.delivery(id).seqs().size() >= 20);

      LocalTime stoppedAt = LocalTime.now().withNano(0);
      webTier.stop();
      try {
        double persistedAtStop = persisted();
        waitUpTo().until(() -> browser.find("#connection").getText(), text -> Set.of("reconnecting", "offline").contains(text));
        LocalTime seenAt = LocalTime.now();
        List<Long> heldWhileDown = browser.delivery(id).seqs();
        // Said once at the top, with the time the updates stopped; the ETAs greyed and struck through (they may no longer hold).
        Matcher paused = Pattern.compile("Updates paused since (\\d\\d:\\d\\d:\\d\\d)").matcher(browser.find("#paused").getText());
        assertThat(paused.matches()).as("the paused note: %s", browser.find("#paused").getText()).isTrue();
        assertThat(LocalTime.parse(paused.group(1))).isBetween(stoppedAt, seenAt);
        assertThat(browser.find(item("active", id) + " .eta").getCssValue("text-decoration-line")).isEqualTo("line-through");
        browser.screenshot("reconnecting");
        // The delivery keeps going without the web server; wait until the store holds positions the
        // page cannot have received live.
        waitUpTo().until(() -> persisted() - persistedAtStop >= 30);
        assertThat(browser.find("#connection").getText()).isIn("reconnecting", "offline");
        assertThat(browser.delivery(id).seqs()).as("nothing arrives while the server is away").isEqualTo(heldWhileDown);
        assertThat(heldWhileDown.size()).as("the page will have a gap to fill").isLessThan(route.points().size() - 30);
      } finally {
        webTier.startAgain();
      }

      waitUpTo().until(() -> browser.find("#connection").getText(), "live"::equals);
      assertThat(browser.find("#paused").isDisplayed()).as("live again: no paused note").isFalse();
      waitUpTo().until(() -> browser.delivery(id).finished());
      waitUpTo().until(() -> browser.deliveryIdsIn("recent").contains(id));
      // As above: the arrival may come before the last positions, and the stored track fills them in.
      waitUpTo().alias("seqs 0..199 once each, no gap").until(() -> browser.delivery(id).seqs(), seqs -> seqs.equals(allSeqsOf(route)));
      assertThat(browser.deliveryIdsIn("active")).doesNotContain(id);
      assertThat(browser.deliveryIdsIn("recent")).doesNotHaveDuplicates();
      browser.screenshot("reconnected-finished");

      assertThat(browser.consoleEntries()).as("the page did try to reconnect while the server was away")
          .anyMatch(entry -> serverUnreachable(entry, webTier));
      assertThat(browser.severeConsoleEntries(entry -> serverUnreachable(entry, webTier))).isEmpty();
    }
  }

  @Test
  void afterAReloadRecentListsDeliveriesThatEndedAnyWayPagesOlderOnesAndShowsTodaysTrailsOnAsk() throws Exception {
    // Eleven simulated deliveries run to the end; then a device's delivery is delivered and another's cancelled.
    List<String> simulated = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      simulated.add(startOverRest("1"));
    }
    for (String id : simulated) {
      waitUpTo().until(() -> status(id), "finished"::equals);
    }
    String delivered = deviceDeliveryEnded("complete");
    String cancelled = deviceDeliveryEnded("cancel");
    Set<String> ended = new HashSet<>(simulated);
    ended.addAll(List.of(delivered, cancelled));

    try (Browser browser = signedIn()) {
      browser.openPage(stack.baseUrl() + "/");
      // The newest page of what ended, however it ended: the device's two (started last) and eight simulated ones.
      List<String> firstPage = waitUpTo().until(() -> browser.deliveryIdsIn("recent"), ids -> ids.size() >= 10);
      assertThat(firstPage).hasSize(10).contains(delivered, cancelled);
      assertThat(ended).containsAll(firstPage);
      assertThat(browser.find(item("recent", delivered) + " .remaining").getText()).isEqualTo("arrived");
      assertThat(browser.find(item("recent", cancelled) + " .remaining").getText()).isEqualTo("cancelled");
      assertThat(browser.statusCount("cancelled")).isEqualTo(1);
      assertThat(browser.statusCount("delivered")).isEqualTo(9);

      // Finished trails are hidden until asked for; then today's are drawn, whole, older pages' ones included.
      assertThat(browser.trailsOnMap()).isEmpty();
      browser.find("#finished-trails").click();
      Set<String> simulatedListed = firstPage.stream().filter(simulated::contains).collect(Collectors.toSet());
      waitUpTo().until(browser::trailsOnMap, drawn -> drawn.containsAll(simulatedListed));
      for (int page = 0; page < 10 && browser.find("#recent-more").isDisplayed(); page++) {
        int listed = browser.deliveryIdsIn("recent").size();
        browser.find("#recent-more").click();
        waitUpTo().until(() -> browser.deliveryIdsIn("recent").size() > listed);
      }
      assertThat(browser.find("#recent-more").isDisplayed()).as("no older page left").isFalse();
      assertThat(browser.deliveryIdsIn("recent")).containsAll(ended).doesNotHaveDuplicates();
      waitUpTo().until(browser::trailsOnMap, drawn -> drawn.containsAll(simulated));
      browser.screenshot("recent-finished-trails");
      assertThat(browser.delivery(simulated.get(0)).seqs()).as("the whole track read for its trail").isEqualTo(allSeqsOf(route("1")));

      browser.find("#finished-trails").click();
      waitUpTo().until(browser::trailsOnMap, Set::isEmpty);
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  @Test
  void aClickOnAVehicleFollowsItsDeliveryToTheEnd() throws Exception {
    try (Browser browser = signedIn()) {
      browser.openPage(stack.baseUrl() + "/");
      String id = startOverRest("3");
      waitUpTo().until(() -> browser.delivery(id).vehicle() != null);
      // Clicked again if the vehicle moved from under the pointer; a click on the followed vehicle keeps it followed.
      waitUpTo().until(() -> {
        browser.find("#map path.vehicle[data-delivery-id='" + id + "']").click();
        return browser.find(item("active", id)).getDomAttribute("class");
      }, classes -> classes.contains("followed") && classes.contains("just-started"));
      assertThat(browser.find(item("active", id) + " button.follow").getDomAttribute("aria-pressed")).isEqualTo("true");
      assertThat(browser.plannedRouteDrawn(id)).as("the followed delivery's planned route").isNotEmpty();
      browser.screenshot("vehicle-clicked");

      waitUpTo().until(() -> browser.delivery(id).finished());
      waitUpTo().alias("followed: every position").until(() -> browser.delivery(id).seqs(), seqs -> seqs.equals(allSeqsOf(route("3"))));
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  @Test
  void depotsLieUnderTheVehiclesAndClustersStandingOnThem() throws Exception {
    // Two vans stand just north of route 1's depot (one cluster, its centre a few pixels above the depot's) and one
    // right on route 2's depot; nothing is near route 3's.
    LatLon depot1 = route("1").points().get(0);
    LatLon justNorth = new LatLon(depot1.lat() + 0.001, depot1.lon());
    List<String> vans = List.of(vanStandingAt(justNorth), vanStandingAt(justNorth), vanStandingAt(route("2").points().get(0)));
    try (Browser browser = signedIn()) {
      browser.openPage(stack.baseUrl() + "/");
      waitUpTo().until(() -> browser.delivery(vans.get(2)).vehicle() != null && browser.vehiclesOnMap().get("clusters") == 1);
      assertThat(browser.topmostAtDepots()).as("on top at the depots of routes 1, 2 and 3")
          .containsExactly("cluster", "vehicle", "depot");
      browser.screenshot("depots-under-vehicles");
    } finally {
      for (String van : vans) {
        assertThat(postJson("/api/deliveries/" + van + "/cancel", new JsonObject()).statusCode()).isEqualTo(200);
      }
    }
  }

  /** A device's delivery, assigned and then ended by the operator ({@code complete} or {@code cancel}): its id. */
  private String deviceDeliveryEnded(String action) throws Exception {
    String id = deviceDelivery(newDevice());
    HttpResponse<String> ended = postJson("/api/deliveries/" + id + "/" + action, new JsonObject());
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
    return id;
  }

  /** A device's delivery whose phone has reported one fix, here, and nothing since: its id. */
  private String vanStandingAt(LatLon where) throws Exception {
    String device = newDevice();
    String id = deviceDelivery(device);
    Instant now = Instant.now();
    try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
      KafkaRecords.send(producer, Topics.DEVICE_POSITIONS, device,
          new DeviceFix(device, now, now, where, 0.0, null, null, 5.0, 80.0, "osmand", null).toJson().encode());
    }
    return id;
  }

  /** A device registered under a new name: its unique id. */
  private String newDevice() throws Exception {
    String device = "van-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> registered = postJson("/api/devices", new JsonObject().put("uniqueId", device).put("name", device));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    return device;
  }

  /** A delivery assigned to the device, to route 2's destination: its id. */
  private String deviceDelivery(String device) throws Exception {
    return started(postJson("/api/deliveries", new JsonObject().put("deviceId", device)
        .put("destination", route("2").end().toJson()).put("routeId", "2")));
  }

  /**
   * A failed request to this test's own server while it was down, or its live socket cut mid-frame as it stopped (a
   * batch already on its way when the close frame went): expected in the reconnect test only.
   */
  private static boolean serverUnreachable(LogEntry entry, TestStack server) {
    String message = entry.getMessage();
    return message.contains("localhost:" + server.httpPort())
        && (message.contains("net::ERR_CONNECTION_REFUSED") || message.contains("net::ERR_CONNECTION_RESET")
            || message.contains("net::ERR_EMPTY_RESPONSE") || message.contains("failed: Data frame received after close"));
  }

  private static double persisted() {
    return stack.app().metrics().registry().get("codedelivery.positions.persisted").counter().count();
  }

  /**
   * The vehicle is drawn where the route's point {@code expected} is drawn. The planned route's first and last
   * points as drawn fix the map's scale (Web Mercator: x linear in longitude, y in the Mercator ordinate of
   * latitude), which places any other point of the route in the same pixels as the vehicle.
   */
  private static void assertSpot(String what, Browser browser, String id, Route route, LatLon expected) {
    // Waited for, not read once: while the map still animates its framing, the shapes are re-projected at its end.
    waitUpTo().untilAsserted(() -> assertDrawnAt(what, browser, id, route, expected));
  }

  private static void assertDrawnAt(String what, Browser browser, String id, Route route, LatLon expected) {
    List<Double> vehicle = browser.delivery(id).vehicle();
    assertThat(vehicle).as(what + ": vehicle drawn").isNotNull();
    List<List<Double>> drawn = browser.plannedRouteDrawn(id);
    LatLon start = route.points().get(0);
    LatLon end = route.points().get(route.points().size() - 1);
    List<Double> startPx = drawn.get(0);
    List<Double> endPx = drawn.get(drawn.size() - 1);
    double x = startPx.get(0) + (expected.lon() - start.lon()) / (end.lon() - start.lon()) * (endPx.get(0) - startPx.get(0));
    double y = startPx.get(1) + (mercator(expected.lat()) - mercator(start.lat())) / (mercator(end.lat()) - mercator(start.lat()))
        * (endPx.get(1) - startPx.get(1));
    assertThat(vehicle.get(0)).as(what + " (x)").isCloseTo(x, within(SAME_SPOT_PX));
    assertThat(vehicle.get(1)).as(what + " (y)").isCloseTo(y, within(SAME_SPOT_PX));
  }

  private static double mercator(double lat) {
    return Math.log(Math.tan(Math.PI / 4 + Math.toRadians(lat) / 2));
  }

  /** On a narrow screen the panel sits above the map and nothing makes the page scroll sideways. */
  private static void assertPanelAboveMapWithoutSideways(Browser browser) {
    @SuppressWarnings("unchecked")
    Map<String, Object> layout = (Map<String, Object>) browser.js("""
        const panel = document.querySelector('.panel').getBoundingClientRect();
        const map = document.getElementById('map').getBoundingClientRect();
        return {panelBottom: panel.bottom, mapTop: map.top, mapHeight: map.height, mapWidth: map.width,
                scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth};""");
    double width = ((Number) layout.get("width")).doubleValue();
    assertThat(((Number) layout.get("panelBottom")).doubleValue()).as("panel above the map")
        .isLessThanOrEqualTo(((Number) layout.get("mapTop")).doubleValue() + 1);
    assertThat(((Number) layout.get("mapWidth")).doubleValue()).as("map spans the screen").isCloseTo(width, within(1.0));
    assertThat(((Number) layout.get("mapHeight")).doubleValue()).as("map gets real room").isGreaterThan(250);
    assertThat(((Number) layout.get("scrollWidth")).doubleValue()).as("no sideways scrolling").isLessThanOrEqualTo(width);
  }

  private String status(String id) throws Exception {
    JsonObject state = deliveryState(id);
    return state == null ? null : state.getString("status");
  }
}
