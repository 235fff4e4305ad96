package io.codedelivery.browser;

import static io.codedelivery.browser.MapPageTestBase.waitUpTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.persistence.Store;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.logging.LogEntry;

/**
 * A customer's tracking link ({@code /track/<token>}) in a phone's browser (390×844), as the customer sees it:
 * opened while twenty other deliveries are on the road, it shows its one delivery only — one vehicle, no Start
 * button, nothing of the others — with its status line, until "Delivered at …" and the trip's replay. A link the
 * sender withdrew, one that expired and one that was tampered with each say so in one sentence, with no map.
 */
class TrackingPageIT {
  /** A point every 150 ms: route 1 (140 points) takes about 20 s, enough to open the page while it drives. */
  private static final String INTERVAL_MS = "150";
  private static final int OTHER_DELIVERIES = 20;
  private static final List<String> ROUTES = List.of("1", "2", "3");
  private static TestStack stack;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startStack() {
    Browser.assumeInstalled();
    stack = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, INTERVAL_MS, Setting.MAP_TILES_URL, ""));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aTrackingLinkShowsItsOneDeliveryLiveAmongTwentyOthersUntilDelivered() throws Exception {
    List<String> others = IntStream.range(0, OTHER_DELIVERIES).mapToObj(i -> start(ROUTES.get(i % ROUTES.size())).getString("deliveryId")).toList();
    JsonObject ours = start("1");
    String id = ours.getString("deliveryId");

    try (Browser browser = Browser.open()) {
      browser.resize(390, 844);
      browser.get(stack.baseUrl() + ours.getString("trackingUrl"));

      waitUpTo().until(() -> statusLine(browser), line -> line.startsWith("On the way"));
      assertThat(inTransit()).as("other deliveries on the road while the page shows ours").containsAnyElementsOf(others);
      // Live: the vehicle moves on while the page is open.
      String firstSpot = waitUpTo().until(() -> vehicleShape(browser), shape -> shape != null);
      waitUpTo().until(() -> vehicleShape(browser), shape -> !shape.equals(firstSpot));
      assertOnlyThisDelivery(browser, id);
      assertThat(browser.find("#distance-left").getText()).matches("[\\d.]+ k?m");
      browser.screenshot("tracking-page-on-the-way");

      waitUpTo().until(() -> statusLine(browser), line -> line.matches("Delivered at \\d\\d:\\d\\d"));
      waitUpTo().until(() -> browser.find("#replay").isDisplayed());
      assertThat(browser.find("#replay-play").getText()).as("the whole trip drawn, ready to replay from the start").isEqualTo("Replay");
      assertOnlyThisDelivery(browser, id);
      assertThat(browser.find("#progress-text").getText()).isEqualTo("100 %");
      assertFitsAPhone(browser);
      browser.screenshot("tracking-page-delivered");

      browser.find("#replay-play").click();
      waitUpTo().until(() -> browser.find("#replay-play").getText(), text -> text.equals("Pause"));
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  @Test
  void aWithdrawnLinkSaysSoWithNoMapAndItsReplacementOpensTheDelivery() throws Exception {
    JsonObject started = start("2");
    String id = started.getString("deliveryId");
    // The link can be withdrawn once the store knows the delivery (a moment after the start was accepted).
    HttpResponse<String> revoked = waitUpTo().until(() -> http.send(stack.request("/api/deliveries/" + id + "/tracking-link/revoke")
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString()), response -> response.statusCode() != 404);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    String replacement = new JsonObject(revoked.body()).getString("trackingUrl");
    assertThat(replacement).startsWith("/track/").isNotEqualTo(started.getString("trackingUrl"));

    try (Browser browser = Browser.open()) {
      browser.resize(390, 844);
      browser.get(stack.baseUrl() + started.getString("trackingUrl"));
      assertSaysOnly(browser, "This tracking link has been withdrawn by the sender; please ask them for the current one.");

      browser.get(stack.baseUrl() + replacement);
      waitUpTo().until(() -> statusLine(browser), line -> line.startsWith("On the way") || line.startsWith("Delivered at"));
      assertThat(browser.find("#map").isDisplayed()).isTrue();
      assertThat(browser.severeConsoleEntries(TrackingPageIT::refusedRead)).isEmpty();
    }
  }

  @Test
  void aLinkOfADeliveryThatEndedLongAgoHasExpiredAndATamperedOneIsNotValid() throws Exception {
    JsonObject started = start("2");
    String id = started.getString("deliveryId");
    StoreProbe store = new StoreProbe(stack.app());
    waitUpTo().until(() -> store.isFinished(id));
    // The delivery ended two days ago, longer than the links' lifetime after it (a day, the default).
    Instant longAgo = Instant.now().minus(Duration.ofDays(2));
    StoreProbe.await(store.mongo().updateCollection(Store.DELIVERIES, new JsonObject().put("_id", id),
        new JsonObject().put("$set", new JsonObject().put("finishedAt", new JsonObject().put("$date", longAgo.toString())))));

    String link = started.getString("trackingUrl");
    try (Browser browser = Browser.open()) {
      browser.resize(390, 844);
      browser.get(stack.baseUrl() + link);
      assertSaysOnly(browser, "This tracking link has expired, as links do some time after the delivery ends.");

      // One character of the signature changed (not its last, whose low bits base64url leaves unused): the server
      // cannot tell whose link it is.
      int changed = link.length() - 10;
      browser.get(stack.baseUrl() + link.substring(0, changed) + (link.charAt(changed) == 'A' ? 'B' : 'A') + link.substring(changed + 1));
      assertSaysOnly(browser, "This tracking link is not valid — please check that it was copied completely.");
      assertThat(browser.severeConsoleEntries(TrackingPageIT::refusedRead)).isEmpty();
    }
  }

  /** POST /api/deliveries as the stack's admin: the new delivery's id and tracking link. */
  private JsonObject start(String routeId) {
    try {
      HttpResponse<String> response = http.send(stack.request("/api/deliveries").header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("routeId", routeId).encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("POST /api/deliveries: %s", response.body()).isEqualTo(202);
      JsonObject started = new JsonObject(response.body());
      assertThat(started.getString("trackingUrl")).startsWith("/track/");
      return started;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ids of the deliveries the operators' API lists as on the road now. */
  private List<String> inTransit() throws Exception {
    HttpResponse<String> response = http.send(stack.request("/api/deliveries?status=in-transit&limit=100").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body()).getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("deliveryId")).toList();
  }

  private static String statusLine(Browser browser) {
    return browser.find("#status-line").getText();
  }

  /** The vehicle marker as drawn (its SVG path, which holds its spot in map pixels), or null while there is none. */
  private static String vehicleShape(Browser browser) {
    return (String) browser.js("return document.querySelector('#map path.vehicle')?.getAttribute('d') ?? null;");
  }

  @SuppressWarnings("unchecked")
  private static List<String> vehicleIds(Browser browser) {
    return (List<String>) browser.js("return [...document.querySelectorAll('#map path.vehicle')].map(v => v.dataset.deliveryId);");
  }

  /** One vehicle, this delivery's; nothing on the page names another delivery; no Start button; no notices. */
  @SuppressWarnings("unchecked")
  private static void assertOnlyThisDelivery(Browser browser, String id) {
    assertThat(vehicleIds(browser)).containsExactly(id);
    assertThat((List<String>) browser.js("return [...document.querySelectorAll('[data-delivery-id]')].map(e => e.dataset.deliveryId);"))
        .isNotEmpty().containsOnly(id);
    assertThat((List<String>) browser.js("return [...document.querySelectorAll('button')].map(b => b.textContent.trim());"))
        .noneMatch(text -> text.equalsIgnoreCase("Start"));
    assertThat(browser.findAll("#notices, .notice, li.delivery")).isEmpty();
  }

  /** Nothing scrolls sideways at 390 px, and every control is at least 44 px each way (a thumb's size). */
  @SuppressWarnings("unchecked")
  private static void assertFitsAPhone(Browser browser) {
    assertThat((Boolean) browser.js("return document.documentElement.scrollWidth <= window.innerWidth;")).isTrue();
    List<Map<String, Object>> small = (List<Map<String, Object>>) browser.js("""
        return [...document.querySelectorAll('button, select, a.leaflet-control-zoom-in, a.leaflet-control-zoom-out')]
          .filter(e => e.offsetParent !== null)
          .map(e => ({ what: e.id || e.className, box: e.getBoundingClientRect() }))
          .filter(c => c.box.width < 44 || c.box.height < 44)
          .map(c => ({ what: c.what, width: c.box.width, height: c.box.height }));""");
    assertThat(small).as("controls smaller than 44 px").isEmpty();
  }

  /** The status line says exactly this, and there is no map and no figure of the delivery. */
  private static void assertSaysOnly(Browser browser, String sentence) {
    waitUpTo().until(() -> statusLine(browser), line -> line.equals(sentence));
    assertThat(browser.find("#map-area").isDisplayed()).isFalse();
    assertThat(browser.findAll(".leaflet-container")).isEmpty();
    assertThat(browser.find("#details").isDisplayed()).isFalse();
  }

  /** The browser logs a read the server refused (401/403) as an error; those refusals are what these tests ask for. */
  private static boolean refusedRead(LogEntry entry) {
    return entry.getMessage().contains("/api/track/") && entry.getMessage().matches(".*status of 40[13].*");
  }
}
