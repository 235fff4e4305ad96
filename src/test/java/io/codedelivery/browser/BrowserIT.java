package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.browser.Browser.PageDelivery;
import io.codedelivery.config.Setting;
import io.codedelivery.model.Route;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The map page in a real (headless) Chromium against the whole running system, signed in as an admin: a user starts
 * deliveries, copies a delivery's customer link, watches the vehicles move and arrive, other open pages see the same
 * deliveries, and an operator's link to a delivery opened late (through the sign-in page) shows the whole track and
 * then follows it live. Each test checks what a user sees (lists, notices,
 * markers moving) and that the page ends up holding every position of a delivery exactly once, with no
 * errors in the browser console. Runs without map tiles (this machine has no network); {@link BlockedTilesIT}
 * covers an unreachable tile server.
 */
class BrowserIT extends MapPageTestBase {

  @Test
  void startADeliveryCopyItsCustomerLinkAndWatchItArrive() throws Exception {
    try (Browser browser = signedIn()) {
      browser.openPage(stack.baseUrl() + "/");
      Route route = route("1");

      browser.find("#routes li.route button.start[data-route-id='1']").click();

      String id = waitUpTo().until(() -> browser.deliveryIdsIn("active"), ids -> ids.size() == 1).get(0);
      List<Double> firstSpot = waitUpTo().until(() -> browser.delivery(id).vehicle(), spot -> spot != null);
      waitUpTo().until(() -> browser.delivery(id).vehicle(), spot -> !spot.equals(firstSpot));

      assertThat(browser.find("#active li.delivery[data-delivery-id='" + id + "'] .remaining").getText())
          .endsWith("km left");
      browser.screenshot("delivery-moving");

      waitUpTo().until(() -> browser.eventNoticeTexts().contains(route.title() + " delivered"));
      // Recent also lists deliveries finished before the page opened (read from the server on load);
      // the one that just arrived goes on top.
      assertThat(browser.deliveryIdsIn("recent")).first().isEqualTo(id);
      assertThat(browser.deliveryIdsIn("recent")).doesNotHaveDuplicates();
      assertThat(browser.deliveryIdsIn("active")).isEmpty();
      assertThat(browser.find("#recent li.delivery[data-delivery-id='" + id + "'] .remaining").getText())
          .isEqualTo("arrived");
      browser.screenshot("delivery-finished");

      // The customer's link, as the operator hands it on (still good after the arrival): copied, confirmed on screen,
      // and it opens that delivery without an account.
      browser.grantClipboard(stack.baseUrl());
      String item = "#recent li.delivery[data-delivery-id='" + id + "'] ";
      assertThat(browser.findAll(item + "a.share")).as("no operator console link handed out as a share link").isEmpty();
      assertThat(browser.find(item + "button.copy-link").getDomAttribute("aria-label")).startsWith("Copy link");
      browser.find(item + "button.copy-link").click();
      browser.waiting().until(d -> "Link copied".equals(browser.find(item + ".link-status").getText()));
      String link = browser.clipboardText();
      assertThat(link).startsWith(stack.baseUrl() + "/track/");
      HttpResponse<String> tracked = trackAnswer(link);
      assertThat(tracked.statusCode()).as("the copied link works without an account: %s", tracked.body()).isEqualTo(200);
      assertThat(new JsonObject(tracked.body()).getString("deliveryId")).isEqualTo(id);
      browser.screenshot("customer-link-copied");

      // A link handed to the wrong person is withdrawn: a new one replaces it, and the old one stops working.
      browser.find(item + "button.renew-link").click();
      browser.waiting().until(ExpectedConditions.alertIsPresent()).accept();
      browser.waiting().until(d -> browser.find(item + ".link-status").getText().startsWith("New link made"));
      assertThat(trackAnswer(link).statusCode()).as("the withdrawn link").isEqualTo(403);
      browser.find(item + "button.copy-link").click();
      browser.waiting().until(d -> !link.equals(browser.clipboardText()));
      assertThat(trackAnswer(browser.clipboardText()).statusCode()).as("the new link").isEqualTo(200);

      // The list showed only the fleet feed's samples of it; once it has arrived its whole track is read.
      assertThat(browser.delivery(id).finished()).isTrue();
      waitUpTo().until(() -> browser.delivery(id).seqs(), seqs -> seqs.equals(allSeqsOf(route)));
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  @Test
  void deliveriesStartedAnywhereShowUpMoveAndFinishInAnotherOpenPage() throws Exception {
    try (Browser observer = signedIn(); Browser starter = signedIn()) {
      // The observer page is open before anything starts: it only learns of deliveries from the server.
      observer.openPage(stack.baseUrl() + "/");
      starter.openPage(stack.baseUrl() + "/");

      starter.find("#routes li.route button.start[data-route-id='1']").click();
      starter.find("#routes li.route button.start[data-route-id='2']").click();
      String restId = startOverRest("3");

      List<String> starterIds = waitUpTo().until(() -> starter.deliveryIdsIn("active"), ids -> ids.size() >= 3);
      assertThat(starterIds).contains(restId).doesNotHaveDuplicates();
      Set<String> ids = Set.copyOf(starterIds);
      waitUpTo().until(() -> Set.copyOf(observer.deliveryIdsIn("active")).equals(ids));

      // Each vehicle moves on the observer's map.
      Map<String, List<Double>> firstSpots = new ConcurrentHashMap<>();
      Set<String> moved = ConcurrentHashMap.newKeySet();
      Set<String> errorsSeen = new LinkedHashSet<>();
      waitUpTo().until(() -> {
        errorsSeen.addAll(observer.errorNoticeTexts());
        for (String id : ids) {
          List<Double> spot = observer.delivery(id).vehicle();
          if (spot != null && !spot.equals(firstSpots.computeIfAbsent(id, k -> spot))) {
            moved.add(id);
          }
        }
        return moved.equals(ids);
      });
      observer.screenshot("three-deliveries-moving");

      // The delivered events come in as notifications, one named per delivery or grouped ("3 delivered") when they
      // arrive close together; the oldest make way for newer ones, so every text seen on the way is collected.
      Set<String> eventNoticesSeen = new LinkedHashSet<>();
      List<String> titles = List.of("1", "2", "3").stream().map(r -> route(r).title()).toList();
      waitUpTo().until(() -> {
        errorsSeen.addAll(observer.errorNoticeTexts());
        eventNoticesSeen.addAll(observer.eventNoticeTexts());
        return deliveriesNotified(eventNoticesSeen, titles) >= titles.size()
            && Set.copyOf(observer.deliveryIdsIn("recent")).containsAll(ids);
      });
      assertThat(observer.deliveryIdsIn("active")).isEmpty();
      observer.screenshot("three-deliveries-finished");

      for (String id : ids) {
        PageDelivery delivery = observer.delivery(id);
        assertThat(delivery.finished()).as("delivery %s finished", id).isTrue();
        String routeId = deliveryState(id).getString("routeId");
        assertThat(delivery.title()).as("titled by route and id, so two on one route differ")
            .isEqualTo(route(routeId).title() + " · " + id.substring(0, 8));
        // The fleet feed brought its latest states; its whole track is read once it has arrived.
        waitUpTo().until(() -> observer.delivery(id).seqs(), seqs -> seqs.equals(allSeqsOf(route(routeId))));
      }
      assertThat(errorsSeen).as("error notices on the observer page").isEmpty();
      assertThat(observer.severeConsoleEntries()).isEmpty();
      assertThat(starter.severeConsoleEntries()).isEmpty();
    }
  }

  @Test
  void aDeliveryLinkOpenedLateShowsTheWholeTrackAndFollowsItLiveToTheEnd() throws Exception {
    Route route = route("3");
    try (Browser browser = Browser.open()) {
      String id = startOverRest("3");
      waitUpTo().until(() -> deliveryState(id), state -> state != null && state.getLong("lastSeq", -1L) >= 60);

      // Not signed in yet: the link leads through the sign-in page and back to the delivery it names.
      browser.get(stack.baseUrl() + "/#/deliveries/" + id);
      browser.waiting().until(ExpectedConditions.urlContains("/signin"));
      browser.submitSignIn(Browser.ADMIN, TestStack.ADMIN_PASSWORD);
      browser.waiting().until(ExpectedConditions.textToBe(By.id("account-user"), Browser.ADMIN));
      assertThat(browser.pathAndFragment()).isEqualTo("/#/deliveries/" + id);

      List<Integer> countsWhileRunning = new ArrayList<>();
      // The stored history arrives in one fetch; live positions may come just before it.
      PageDelivery first = waitUpTo().until(() -> browser.delivery(id), d -> d != null && d.seqs().contains(0L));
      assertThat(first.seqs().size()).as("the stored prefix, up to where the delivery was when the link opened")
          .isGreaterThanOrEqualTo(60);
      assertThat(first.finished()).as("still on the road, so there is something left to follow live").isFalse();
      assertThat(browser.drawnLineCount()).as("planned route, travelled trail and vehicle drawn").isGreaterThanOrEqualTo(3);
      assertThat(browser.find("#active li.delivery[data-delivery-id='" + id + "']").getDomAttribute("class"))
          .as("the shared delivery is the one the camera follows").contains("followed");
      browser.screenshot("share-link-opened");

      waitUpTo().until(() -> {
        PageDelivery now = browser.delivery(id);
        if (!now.finished()) {
          countsWhileRunning.add(now.seqs().size());
        }
        return now.finished();
      });
      assertThat(countsWhileRunning).as("the trail grew live after the stored prefix")
          .anyMatch(count -> count > first.seqs().size());
      waitUpTo().until(() -> browser.deliveryIdsIn("recent").contains(id));
      browser.screenshot("share-link-finished");

      // The arrival may be known (deliveries.updates) a moment before the last positions reach the page; the page then
      // reads the whole stored track once, so what must hold is that it ends up with every seq exactly once.
      assertThat(route.points()).hasSize(200);
      waitUpTo().alias("seqs 0..199 with no gap or duplicate")
          .until(() -> browser.delivery(id).seqs(), seqs -> seqs.equals(allSeqsOf(route)));
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  /** What the customer's page reads for this tracking link: GET /api/track/{token}, without an account. */
  private HttpResponse<String> trackAnswer(String link) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(link.replace("/track/", "/api/track/")))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Deliveries the delivered notifications seen account for: one per named delivery, plus the largest group. */
  private static int deliveriesNotified(Set<String> texts, List<String> titles) {
    int named = (int) titles.stream().filter(title -> texts.contains(title + " delivered")).count();
    int largestGroup = texts.stream().map(java.util.regex.Pattern.compile("(\\d+) delivered")::matcher)
        .filter(java.util.regex.Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
    return named + largestGroup;
  }
}
