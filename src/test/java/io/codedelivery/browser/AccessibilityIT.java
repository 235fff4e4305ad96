package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Route;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The pages people use, on a phone's screen (390×844) in a real Chromium, checked the way
 * an accessibility audit does: axe-core finds no serious or critical problem, every control is at least 44×44 px,
 * the focus follows what opens and closes, and the connection's changes are read out in a polite live region.
 * Pages: sign-in, users, webhooks (with a webhook and its deliveries shown), the customer's tracking page (on the way,
 * through a dropped connection, and delivered), the driver page (sharing its location, asking "Handed over?") and the
 * operator console (deliveries on the road, one followed, a replay open, through a dropped connection).
 */
class AccessibilityIT {
  /** A point every 150 ms: route 1 (140 points) takes about 20 s, long enough to check the page on the way. */
  private static final String INTERVAL_MS = "150";
  private static TestStack stack;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startStack() {
    Browser.assumeInstalled();
    // An hour's dwell at the door: only the driver's press ends the driver page's delivery.
    stack = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, INTERVAL_MS, Setting.MAP_TILES_URL, "",
        Setting.ARRIVAL_DWELL_SECONDS, "3600"));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private static ConditionFactory waitUpTo() {
    return await().atMost(Browser.WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions();
  }

  @Test
  void theSignInUsersAndWebhooksPagesPassAxeAndFitAThumb() {
    try (Browser browser = Browser.open()) {
      browser.resize(390, 844);
      browser.get(stack.baseUrl() + "/signin");
      browser.waiting().until(ExpectedConditions.elementToBeClickable(By.id("signin-submit")));
      assertAccessible(browser, "sign-in page");
      browser.submitSignIn(Browser.ADMIN, TestStack.ADMIN_PASSWORD);
      browser.waiting().until(ExpectedConditions.textToBe(By.id("account-user"), Browser.ADMIN));

      browser.get(stack.baseUrl() + "/users");
      browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#users li.user")));
      assertAccessible(browser, "users page");

      browser.get(stack.baseUrl() + "/webhooks");
      browser.waiting().until(ExpectedConditions.attributeToBe(By.id("webhooks"), "data-empty", "No webhooks."));
      browser.find("#new-url").sendKeys("https://192.0.2.10/hooks/accessibility");
      browser.find("#new-secret").sendKeys("a-long-enough-webhook-secret");
      browser.find("#add-webhook button[type='submit']").click();
      browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#webhooks li.user")));
      browser.find("#webhooks li.user .show-deliveries").click();
      browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("deliveries-section")));
      assertThat(browser.focusedId()).as("the focus moves to the deliveries it opened").isEqualTo("deliveries-heading");
      assertAccessible(browser, "webhooks page");
      browser.screenshot("accessibility-webhooks");
    }
  }

  @Test
  void theCustomerPageOnTheWayThroughADroppedConnectionAndDelivered() throws Exception {
    String trackingUrl = startDelivery(new JsonObject().put("routeId", "1")).getString("trackingUrl");
    try (Browser browser = Browser.open()) {
      browser.resize(390, 844);
      keepSocketsToDrop(browser);
      browser.get(stack.baseUrl() + trackingUrl);
      waitUpTo().until(() -> browser.find("#status-line").getText(), line -> line.startsWith("On the way"));
      assertAccessible(browser, "tracking page on the way");

      // The connection drops (the test closes the page's socket, as a phone changing networks would) and comes back:
      // a screen reader hears both, politely.
      assertPoliteLiveRegion(browser, "#connection-news");
      dropSockets(browser);
      waitUpTo().until(() -> browser.find("#connection-news").getAttribute("textContent"), "Connection lost — reconnecting."::equals);
      waitUpTo().until(() -> browser.find("#connection-news").getAttribute("textContent"), "Connected again — the map is live."::equals);

      waitUpTo().until(() -> browser.find("#status-line").getText(), line -> line.startsWith("Delivered at"));
      waitUpTo().until(() -> browser.find("#replay").isDisplayed());
      assertAccessible(browser, "tracking page once delivered");
      browser.screenshot("accessibility-tracking-delivered");
    }
  }

  @Test
  void theDriverPageAnnouncesItsConnectionAndMovesTheFocusThroughTheTwoStepDelivered() throws Exception {
    Route route = stack.app().routes().require("1");
    String deviceId = "phone-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(post("/api/devices", new JsonObject().put("uniqueId", deviceId).put("name", "Van 9")).statusCode()).isEqualTo(201);
    startDelivery(new JsonObject().put("deviceId", deviceId).put("destination", route.end().toJson())
        .put("routeId", "1").put("reference", "order-a11y"));

    try (Browser phone = Browser.open()) {
      phone.resize(390, 844);
      phone.grantGeolocation(stack.baseUrl());
      phone.placeAt(route.start().lat(), route.start().lon(), 8);
      phone.signIn(stack.baseUrl(), Browser.ADMIN, TestStack.ADMIN_PASSWORD);
      phone.get(stack.baseUrl() + "/driver#/devices/" + deviceId);
      waitUpTo().until(() -> phone.find("#delivery-status").getText(), "Delivery assigned."::equals);
      assertAccessible(phone, "driver page, delivery assigned");

      phone.find("#start-tracking").click();
      waitUpTo().until(() -> phone.find("#connection-state").getText(), "online"::equals);
      assertThat(phone.find("#connection-state").findElement(By.xpath("..")).getAttribute("aria-live"))
          .as("the connection badge is read out politely when it changes").isEqualTo("polite");
      assertAccessible(phone, "driver page, sharing location");

      // "Delivered" by keyboard: the question takes the focus, "Not yet" gives it back to "Delivered".
      phone.find("#delivered").sendKeys(Keys.ENTER);
      assertThat(phone.focusedId()).as("the focus moves into the question it opened").isEqualTo("confirm-question");
      assertAccessible(phone, "driver page, asking 'Handed over?'");
      phone.screenshot("accessibility-driver-handed-over");
      phone.find("#cancel-delivered").sendKeys(Keys.ENTER);
      assertThat(phone.focusedId()).as("closed, the focus is back on the button that opened it").isEqualTo("delivered");

      phone.find("#delivered").sendKeys(Keys.ENTER);
      phone.find("#confirm-delivered").sendKeys(Keys.ENTER);
      waitUpTo().until(() -> phone.find("#delivered-result").getText(), text -> text.startsWith("Marked delivered at "));
      assertThat(phone.focusedId()).as("the delivery is over: the focus is on what happened").isEqualTo("delivered-result");
    }
  }

  @Test
  void theOperatorConsoleWithDeliveriesRunningOneFollowedAndAReplayOpen() throws Exception {
    // One that has ended, to replay; three on the road (two of them clustered on the map); a device's order with a long
    // reference (one word, no place to break it) and customer name, whose title must still wrap inside a phone's screen.
    String ended = startDelivery(new JsonObject().put("routeId", "2")).getString("deliveryId");
    waitUpTo().until(() -> deliveryStatus(ended), "finished"::equals);
    String deviceId = "phone-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(post("/api/devices", new JsonObject().put("uniqueId", deviceId).put("name", "Van 12")).statusCode()).isEqualTo(201);
    String order = startDelivery(new JsonObject().put("deviceId", deviceId)
        .put("destination", stack.app().routes().require("1").end().toJson())
        .put("reference", "ORD20260001230000SAMEDAYEXPRESSFRAGILEXL")
        .put("customer", new JsonObject().put("name", "Maria Aparecida dos Santos Oliveira"))).getString("deliveryId");

    try (Browser browser = Browser.openSignedIn(stack)) {
      browser.resize(390, 844);
      keepSocketsToDrop(browser);
      // Started just before the console opens: route 3 takes 30 s, so they are on the road through the checks below.
      String followed = startDelivery(new JsonObject().put("routeId", "3")).getString("deliveryId");
      startDelivery(new JsonObject().put("routeId", "3"));
      startDelivery(new JsonObject().put("routeId", "3"));
      browser.openPage(stack.baseUrl() + "/");
      waitUpTo().until(() -> browser.deliveryIdsIn("active"), ids -> ids.containsAll(List.of(followed, order)));
      waitUpTo().until(() -> browser.deliveryIdsIn("recent"), ids -> ids.contains(ended));

      // Followed by keyboard: its vehicle leaves the cluster, raised above the rest.
      browser.find(consoleItem(followed) + " button.follow").sendKeys(Keys.ENTER);
      waitUpTo().until(() -> browser.find(consoleItem(followed)).getDomAttribute("class"), classes -> classes.contains("followed"));
      waitUpTo().until(() -> browser.delivery(followed).vehicle() != null);
      assertThat(browser.overflowingDeliveryTitles()).as("titles running out of their items at 390 px").isEmpty();
      assertAccessible(browser, "console, a delivery followed");
      browser.screenshot("accessibility-console-following");

      // The connection drops and comes back: said politely, where a screen reader hears it.
      assertPoliteLiveRegion(browser, "#connection-line");
      dropSockets(browser);
      waitUpTo().until(() -> browser.find("#connection-line").getAttribute("textContent"), "Connection: reconnecting"::equals);
      waitUpTo().until(() -> browser.find("#connection-line").getAttribute("textContent"), "Connection: live"::equals);

      // A replay opened by keyboard takes the focus; Escape closes it and gives the focus back to its item.
      browser.find(consoleItem(ended) + " button.follow").sendKeys(Keys.ENTER);
      waitUpTo().until(browser::replay, replay -> replay != null && ended.equals(replay.get("deliveryId")));
      assertThat(browser.focusedId()).as("the focus moves into the replay it opened").isEqualTo("replay-title");
      assertAccessible(browser, "console, a replay open");
      browser.screenshot("accessibility-console-replay");
      new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
      waitUpTo().until(() -> browser.replay() == null);
      assertThat(browser.js("return document.activeElement.closest('li.delivery')?.dataset.deliveryId ?? null;"))
          .as("closed, the focus is back on the item that opened it").isEqualTo(ended);
    }
  }

  private static String consoleItem(String deliveryId) {
    return "li.delivery[data-delivery-id='" + deliveryId + "']";
  }

  /** No serious or critical axe violation, and no control under 44×44 px, on the page as it is on screen now. */
  private static void assertAccessible(Browser browser, String page) {
    assertThat(browser.seriousAccessibilityViolations()).as("axe-core's serious and critical findings on the %s", page).isEmpty();
    assertThat(browser.smallTouchTargets()).as("controls under 44×44 px on the %s at 390×844", page).isEmpty();
  }

  private static void assertPoliteLiveRegion(Browser browser, String css) {
    assertThat(browser.find(css).getAttribute("role")).isEqualTo("status");
    assertThat(browser.find(css).getAttribute("aria-live")).isEqualTo("polite");
  }

  /** From the next page on, the page's WebSockets are kept where the test can close them (DevTools runs this first). */
  private static void keepSocketsToDrop(Browser browser) {
    browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
        window.socketsOpened = [];
        window.WebSocket = class extends window.WebSocket {
          constructor(...args) { super(...args); window.socketsOpened.push(this); }
        };"""));
  }

  /** Closes every WebSocket the page opened: its live connection drops, and the page reconnects by itself. */
  private static void dropSockets(Browser browser) {
    browser.js("window.socketsOpened.forEach((socket) => socket.close());");
  }

  /** The delivery's status as GET /api/deliveries/{id} says it, or null while it is not stored. */
  private String deliveryStatus(String deliveryId) throws Exception {
    HttpResponse<String> response = http.send(stack.request("/api/deliveries/" + deliveryId).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? new JsonObject(response.body()).getString("status") : null;
  }

  private JsonObject startDelivery(JsonObject body) throws Exception {
    HttpResponse<String> response = post("/api/deliveries", body);
    assertThat(response.statusCode()).as("POST /api/deliveries: %s", response.body()).isEqualTo(202);
    return new JsonObject(response.body());
  }

  private HttpResponse<String> post(String path, JsonObject body) throws Exception {
    return http.send(stack.request(path).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
