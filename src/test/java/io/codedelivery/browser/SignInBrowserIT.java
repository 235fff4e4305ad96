package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.support.TestStack;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Signing in and out in a real Chromium, as operators do: the console sends a browser without a session to the
 * sign-in page, which refuses a wrong password with one plain message and brings the right one back to where the
 * user was headed; signing out (here or in another tab) ends the session for good; a viewer gets no Start button;
 * an admin adds a user on the users page who can then sign in.
 */
class SignInBrowserIT extends MapPageTestBase {
  private static final String WRONG = "Wrong user name or password.";

  @Test
  void aWrongPasswordIsRefusedPlainlyAndTheRightOneOpensTheConsoleSignedIn() {
    try (Browser browser = Browser.open()) {
      browser.get(stack.baseUrl() + "/");
      browser.waiting().until(ExpectedConditions.urlContains("/signin"));
      assertThat(browser.pathAndFragment()).as("sent to sign in, to come back to the console").isEqualTo("/signin?next=%2F");
      assertThat(browser.js("return document.activeElement.id;")).as("ready to type the user name").isEqualTo("username");

      browser.submitSignIn(Browser.ADMIN, "not-the-password");
      browser.waiting().until(ExpectedConditions.textToBe(By.id("signin-error"), WRONG));
      assertThat(browser.find("#signin-error").getDomAttribute("role")).as("announced at once").isEqualTo("alert");
      assertThat(browser.js("return document.activeElement.id;")).as("focus where the slip is").isEqualTo("password");
      assertThat(browser.find("#password").getDomProperty("value")).as("the wrong password is cleared").isEmpty();
      // Each attempt clears the message it may repeat (synchronously, on the click), so this waits for the new answer.
      browser.submitSignIn("nobody-of-that-name", "not-the-password");
      browser.waiting().until(ExpectedConditions.textToBe(By.id("signin-error"), WRONG));
      assertThat(browser.pathAndFragment()).as("an unknown user gets the same words: no telling who exists").startsWith("/signin");
      browser.screenshot("signin-wrong-password");

      browser.submitSignIn(Browser.ADMIN, TestStack.ADMIN_PASSWORD);
      browser.waiting().until(ExpectedConditions.textToBe(By.id("account-user"), Browser.ADMIN));
      assertThat(browser.pathAndFragment()).isEqualTo("/");
      assertThat(browser.find("#account-roles").getText()).isEqualTo("admin");
      assertThat(browser.find("#users-link").isDisplayed()).as("an admin is offered the users page").isTrue();
      browser.openPage(stack.baseUrl() + "/");
      assertThat(browser.findAll("#routes li.route button.start")).hasSize(stack.app().routes().all().size());
      browser.screenshot("signed-in-console");
    }
  }

  @Test
  void signingOutEndsTheSessionAndTheConsoleSendsTheBrowserBackToSignIn() throws Exception {
    try (Browser browser = signedIn()) {
      String token = browser.driver().manage().getCookieNamed("cd_session").getValue();
      assertThat(sessionAnswer(token)).as("the session works before signing out").isEqualTo(200);

      browser.find("#sign-out").click();
      browser.waiting().until(ExpectedConditions.urlMatches("/signin$"));
      assertThat(sessionAnswer(token)).as("the token is no longer accepted, even if someone kept it").isEqualTo(401);

      browser.get(stack.baseUrl() + "/");
      browser.waiting().until(ExpectedConditions.urlContains("/signin"));
      assertThat(browser.pathAndFragment()).isEqualTo("/signin?next=%2F");
    }
  }

  @Test
  void aSessionEndedInAnotherTabSendsTheOpenConsoleToSignInAndBackToTheDeliveryItWasOpening() throws Exception {
    String id = startOverRest("3");
    try (Browser browser = signedIn()) {
      browser.openPage(stack.baseUrl() + "/");
      // Another tab of this browser signs out: same cookie jar, so this page's session ends under it.
      assertThat(browser.js("return fetch('/api/session', {method: 'DELETE'}).then(r => r.status);")).isEqualTo(204L);

      // The next thing the page asks the server for is refused: it goes to sign-in, remembering the delivery.
      browser.js("location.hash = arguments[0];", "#/deliveries/" + id);
      browser.waiting().until(ExpectedConditions.urlContains("/signin"));
      assertThat(browser.pathAndFragment()).isEqualTo("/signin?next=" + "%2F%23%2Fdeliveries%2F" + id);

      browser.submitSignIn(Browser.ADMIN, TestStack.ADMIN_PASSWORD);
      browser.waiting().until(ExpectedConditions.textToBe(By.id("account-user"), Browser.ADMIN));
      assertThat(browser.pathAndFragment()).isEqualTo("/#/deliveries/" + id);
      waitUpTo().until(() -> browser.delivery(id), delivery -> delivery != null && !delivery.seqs().isEmpty());
    }
  }

  @Test
  void aViewerWatchesTheDeliveriesWithoutStartButtonsOrTheUsersPage() throws Exception {
    String viewer = "viewer-" + System.nanoTime();
    stack.tokenOfNewUser(viewer, "viewer");
    String id = startOverRest("3");

    try (Browser browser = Browser.open()) {
      browser.signIn(stack.baseUrl(), viewer, viewer + "-password");
      assertThat(browser.find("#account-roles").getText()).isEqualTo("viewer");
      waitUpTo().until(() -> browser.findAll("#routes li.route").size() == stack.app().routes().all().size());
      waitUpTo().until(() -> browser.deliveryIdsIn("active").contains(id) || browser.deliveryIdsIn("recent").contains(id));
      assertThat(browser.findAll("button.start")).as("a viewer starts nothing").isEmpty();
      assertThat(browser.find("#users-link").isDisplayed()).as("nor manages users").isFalse();
      browser.screenshot("viewer-console");
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }

  @Test
  void anAdminAddsADispatcherOnTheUsersPageWhoThenSignsInAndMayStartDeliveries() {
    String dispatcher = "dispatcher-" + System.nanoTime();
    String password = "dispatch-password-1";
    try (Browser browser = signedIn()) {
      browser.find("#users-link").click();
      browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#users li.user")));
      browser.find("#new-username").sendKeys(dispatcher);
      browser.find("#new-password").sendKeys(password);
      browser.find("#new-roles input[value='viewer']").click();
      browser.find("#new-roles input[value='dispatcher']").click();
      browser.find("#add-user button[type='submit']").click();
      browser.waiting().until(ExpectedConditions.textToBe(By.id("users-status"), "User " + dispatcher + " added."));
      assertThat(browser.find("#users li.user[data-username='" + dispatcher + "'] .user-meta").getText())
          .startsWith("Roles: dispatcher");
      browser.screenshot("users-page");

      browser.find("#sign-out").click();
      browser.waiting().until(ExpectedConditions.urlMatches("/signin$"));
      browser.submitSignIn(dispatcher, password);
      browser.waiting().until(ExpectedConditions.textToBe(By.id("account-user"), dispatcher));
      browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#routes button.start")));
      assertThat(browser.find("#users-link").isDisplayed()).isFalse();
    }
  }

  /** GET /api/session with this token as a bearer: the status, 200 while the session lasts. */
  private int sessionAnswer(String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/session"))
        .header("authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
