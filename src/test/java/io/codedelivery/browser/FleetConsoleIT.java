package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The console with a fleet far past the bridge's 64 registrations per connection: 200 simulated deliveries on the
 * road (a position every 4 s each: the shortest route takes 8 minutes, so all of them are still driving through the
 * test) and one device's delivery with an
 * order reference. The console counts them all, draws their vehicles in clusters, finds one delivery by its reference
 * and another by its id, and its Start button still starts one more, listed at once and highlighted; no error notice
 * on the way.
 */
class FleetConsoleIT {
  private static final int FLEET = 200;
  private static final Duration WAIT = Browser.WAIT;
  /** Closed by JUnit after the class's tests. */
  @AutoClose
  private static TestStack stack;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startStack() {
    Browser.assumeInstalled();
    stack = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, "4000", Setting.DELIVERIES_MAX_ACTIVE, "1000",
        Setting.MAP_TILES_URL, ""));
  }

  private static ConditionFactory waitUpTo() {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
  }

  @Test
  void theConsoleShowsTwoHundredDeliveriesFindsOneByReferenceAndStillStartsMore() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> starts = new ArrayList<>();
    for (int i = 0; i < FLEET; i++) {
      starts.add(http.sendAsync(start(new JsonObject().put("routeId", String.valueOf(1 + i % 3))), HttpResponse.BodyHandlers.ofString()));
    }
    List<String> fleet = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> started : starts) {
      fleet.add(idOf(started.get(30, TimeUnit.SECONDS)));
    }
    String reference = "ORD-" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    String device = "fleet-phone-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> registered = send(stack.request("/api/devices").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("uniqueId", device).put("name", device).encode())));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    String order = post(new JsonObject().put("deviceId", device).put("reference", reference)
        .put("customer", new JsonObject().put("name", "Ana Souza"))
        .put("destination", new JsonObject().put("lat", -15.79).put("lon", -47.88)));

    try (Browser browser = Browser.openSignedIn(stack)) {
      browser.openPage(stack.baseUrl() + "/");
      Set<String> errorsSeen = new LinkedHashSet<>();

      // Every delivery counted and listed: 200 on the road plus the device's, assigned and not moving yet. The list is
      // read by scrolling through it, slow in a loaded browser, so only once the count says the page has them all.
      waitUpTo().until(() -> browser.statusCount("all"), count -> count == FLEET + 1);
      waitUpTo().until(() -> {
        errorsSeen.addAll(browser.errorNoticeTexts());
        List<String> listed = browser.deliveryIdsIn("active");
        return listed.containsAll(fleet) && listed.contains(order);
      });
      waitUpTo().until(() -> browser.statusCount("en-route") + browser.statusCount("late"), count -> count == FLEET);
      assertThat(browser.statusCount("assigned")).as("the device's delivery, no fix yet").isEqualTo(1);
      assertThat(browser.statusCount("all")).isEqualTo(FLEET + 1);
      assertThat(browser.find("#fleet-total").getDomProperty("textContent")).isEqualTo("(" + (FLEET + 1) + " on the road)");
      // The page holds the rows in view and a margin, not all 201; a screen reader still hears the list's length.
      assertThat(browser.findAll("#active li.delivery")).as("items in the page").hasSizeLessThan(FLEET / 2);
      assertThat(browser.find("#active li.delivery").getDomAttribute("aria-setsize")).isEqualTo(String.valueOf(FLEET + 1));

      // Their vehicles on the map, close ones gathered in numbered clusters.
      Map<String, Long> map = waitUpTo().until(browser::vehiclesOnMap, drawn -> drawn.get("vehicles") == FLEET);
      assertThat(map.get("clusters")).as("clusters on the map").isPositive();
      browser.screenshot("fleet-200-clustered");

      // Found by its order reference (part of it, any case), then a simulated one by the start of its id.
      WebElement search = browser.find("#fleet-search");
      search.sendKeys(reference.toLowerCase().substring(0, 8));
      waitUpTo().until(() -> browser.deliveryIdsIn("active"), shown -> shown.equals(List.of(order)));
      assertThat(browser.find("#active li.delivery[data-delivery-id='" + order + "'] .delivery-title").getText())
          .as("titled by reference and customer").startsWith(reference + " · Ana Souza");
      assertThat(browser.find("#fleet-shown").getText()).isEqualTo("Showing 1 of " + (FLEET + 1));
      String wanted = fleet.get(FLEET / 2);
      search.sendKeys(Keys.chord(Keys.CONTROL, "a"), wanted.substring(0, 13));
      waitUpTo().until(() -> browser.deliveryIdsIn("active"), shown -> shown.equals(List.of(wanted)));

      // Start from the page (search still set): the new delivery is listed, shown despite the search, and marked.
      browser.find("#routes li.route button.start[data-route-id='2']").click();
      String started = waitUpTo().until(() -> browser.find("#active li.delivery.just-started").getDomAttribute("data-delivery-id"),
          id -> !fleet.contains(id) && !id.equals(order));
      assertThat(browser.deliveryIdsIn("active")).as("filters cleared to show it").hasSize(FLEET + 2);
      waitUpTo().until(() -> browser.statusCount("all"), count -> count == FLEET + 2);

      errorsSeen.addAll(browser.errorNoticeTexts());
      assertThat(errorsSeen).as("error notices").isEmpty();
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  /** POST /api/deliveries as the admin: the new delivery's id. */
  private String post(JsonObject body) throws Exception {
    return idOf(http.send(start(body), HttpResponse.BodyHandlers.ofString()));
  }

  private static HttpRequest start(JsonObject body) {
    return stack.request("/api/deliveries").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).timeout(Duration.ofSeconds(30)).build();
  }

  private static String idOf(HttpResponse<String> response) {
    assertThat(response.statusCode()).as("POST /api/deliveries: %s", response.body()).isEqualTo(202);
    return new JsonObject(response.body()).getString("deliveryId");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
