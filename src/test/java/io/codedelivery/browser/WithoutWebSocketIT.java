package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.model.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The map page in a browser that cannot use WebSocket, as behind a proxy that blocks it: the page's SockJS client
 * falls back to xhr-streaming (positions streamed in one long POST, the page's own frames sent with xhr_send),
 * and the user still starts a delivery and watches it move and arrive.
 */
class WithoutWebSocketIT extends MapPageTestBase {

  @Test
  void withWebSocketUnavailableAUserStartsADeliveryAndWatchesItArrive() {
    try (Browser browser = Browser.open()) {
      // Before any script of the page runs: to sockjs-client this is a browser without WebSocket.
      browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
          Map.of("source", "delete window.WebSocket; delete window.MozWebSocket;"));
      browser.signInAsAdmin(stack);
      browser.openPage(stack.baseUrl() + "/");
      assertThat(browser.js("return typeof window.WebSocket;")).isEqualTo("undefined");
      Route route = route("1");

      browser.find("#routes li.route button.start[data-route-id='1']").click();

      String id = waitUpTo().until(() -> browser.deliveryIdsIn("active"), ids -> ids.size() == 1).get(0);
      List<Double> firstSpot = waitUpTo().until(() -> browser.delivery(id).vehicle(), spot -> spot != null);
      waitUpTo().until(() -> browser.delivery(id).vehicle(), spot -> !spot.equals(firstSpot));
      waitUpTo().until(() -> browser.eventNoticeTexts().contains(route.title() + " delivered"));

      // Every point of route 1, once, in order: the whole track is read once the delivery has arrived.
      waitUpTo().until(() -> browser.delivery(id).seqs(), seqs -> seqs.equals(allSeqsOf(route)));
      @SuppressWarnings("unchecked")
      List<String> requested = (List<String>) browser.js(
          "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);");
      // The streaming POST is listed only once it ends; xhr_send is what only the xhr transports use, and
      // polling's short POSTs to /xhr would be listed.
      assertThat(requested).as("the page's requests")
          .anyMatch(path -> path.startsWith("/eventbus/") && path.endsWith("/xhr_send"))
          .noneMatch(path -> path.endsWith("/websocket") || path.endsWith("/xhr"));
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }
}
