package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Route;
import io.codedelivery.support.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.logging.LogEntry;

/**
 * The map page when its tile server cannot be reached (blocked network, outage): the page says the tiles
 * are offline, and routes, the planned line and moving vehicles are still shown. The only console errors
 * are the failed tile loads themselves.
 */
class BlockedTilesIT {
  /**
   * A local port nothing listens on, so every tile load is refused at once. (Not a well-known closed port
   * such as 9: Chromium blocks those itself with ERR_UNSAFE_PORT before trying.)
   */
  private static final String TILE_HOST = "127.0.0.1:" + TestStack.freePort();
  private static TestStack stack;

  @BeforeAll
  static void startStack() {
    Browser.assumeInstalled();
    stack = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, "60",
        Setting.MAP_TILES_URL, "http://" + TILE_HOST + "/{z}/{x}/{y}.png"));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private static boolean failedTileLoad(LogEntry entry) {
    return entry.getMessage().contains(TILE_HOST) && entry.getMessage().contains("net::ERR_CONNECTION_REFUSED");
  }

  @Test
  void withTilesBlockedRoutesAndMovingVehiclesStillShowAndThePageSaysTilesAreOffline() {
    Route route = stack.app().routes().find("2").orElseThrow();
    try (Browser browser = Browser.openSignedIn(stack)) {
      browser.openPage(stack.baseUrl() + "/");
      assertThat(browser.findAll("#routes li.route button.start")).hasSize(stack.app().routes().all().size());

      browser.waiting().until(d -> browser.find("#tiles-note").isDisplayed());
      assertThat(browser.find("#tiles-note").getText()).contains("Map tiles offline");

      browser.find("#routes li.route button.start[data-route-id='2']").click();
      String id = await().atMost(Browser.WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> browser.deliveryIdsIn("active"), ids -> ids.size() == 1).get(0);
      List<Double> firstSpot = await().atMost(Browser.WAIT).ignoreExceptions()
          .until(() -> browser.delivery(id).vehicle(), spot -> spot != null);
      await().atMost(Browser.WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> browser.delivery(id).vehicle(), spot -> !spot.equals(firstSpot));
      assertThat(browser.drawnLineCount()).as("planned route, travelled trail and vehicle drawn").isGreaterThanOrEqualTo(3);
      browser.screenshot("tiles-blocked-moving");

      await().atMost(Browser.WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> browser.deliveryIdsIn("recent").contains(id));
      // The whole track is read once the delivery has arrived.
      await().atMost(Browser.WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> browser.delivery(id).seqs(), seqs -> seqs.size() == route.points().size());
      assertThat(browser.find("#tiles-note").isDisplayed()).isTrue();

      assertThat(browser.consoleEntries()).as("the tile loads were tried and failed").anyMatch(BlockedTilesIT::failedTileLoad);
      assertThat(browser.severeConsoleEntries(BlockedTilesIT::failedTileLoad)).isEmpty();
    }
  }
}
