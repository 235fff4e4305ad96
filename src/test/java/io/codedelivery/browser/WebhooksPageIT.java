package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The webhooks page in a real Chromium, as an admin uses it: reached from the console, it refuses a short secret and
 * (in the server's words) a private target, adds an endpoint with the events ticked, turns it off, shows its
 * deliveries and deletes it. The target is a documentation address (192.0.2.0/24): accepted, never reached.
 */
class WebhooksPageIT extends MapPageTestBase {
  private static final String URL = "https://192.0.2.10/hooks/page-test";

  @Test
  void anAdminAddsDisablesInspectsAndDeletesAWebhook() {
    try (Browser browser = signedIn()) {
      browser.find("#webhooks-link").click();
      browser.waiting().until(ExpectedConditions.attributeToBe(By.id("webhooks"), "data-empty", "No webhooks."));

      browser.find("#new-url").sendKeys(URL);
      browser.find("#new-secret").sendKeys("too-short");
      browser.find("#add-webhook button[type='submit']").click();
      assertThat(browser.find("#add-error").getText()).contains("16 characters");

      browser.find("#new-url").clear();
      browser.find("#new-url").sendKeys("http://127.0.0.1:9/hook");
      browser.find("#new-secret").clear();
      browser.find("#new-secret").sendKeys("a-long-enough-webhook-secret");
      browser.find("#add-webhook button[type='submit']").click();
      browser.waiting().until(ExpectedConditions.textMatches(By.id("add-error"), Pattern.compile("loopback")));

      browser.find("#new-url").clear();
      browser.find("#new-url").sendKeys(URL);
      browser.find("#new-secret").sendKeys("a-long-enough-webhook-secret");
      browser.find("#new-events input[value='arriving']").click();
      browser.find("#new-events input[value='delivered']").click();
      browser.find("#add-webhook button[type='submit']").click();
      browser.waiting().until(ExpectedConditions.textToBe(By.id("webhooks-status"), "Webhook " + URL + " added."));
      assertThat(browser.find("#webhooks li.user h3").getText()).isEqualTo(URL);
      assertThat(browser.find("#webhooks li.user .user-meta").getText()).startsWith("Events: arriving, delivered · on");
      assertThat(browser.find("body").getText()).doesNotContain("a-long-enough-webhook-secret");

      browser.find("#webhooks li.user .toggle-webhook").click();
      browser.waiting().until(ExpectedConditions.textToBe(By.cssSelector("#webhooks li.user .toggle-webhook"), "Enable"));
      assertThat(browser.find("#webhooks li.user .user-meta").getText()).contains("· off ·");

      browser.find("#webhooks li.user .show-deliveries").click();
      browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("deliveries-section")));
      assertThat(browser.find("#deliveries-heading").getText()).isEqualTo("Recent deliveries to " + URL);
      browser.screenshot("webhooks-page");

      browser.find("#webhooks li.user .delete-webhook").click();
      browser.waiting().until(ExpectedConditions.alertIsPresent()).accept();
      browser.waiting().until(ExpectedConditions.textToBe(By.id("webhooks-status"), "Webhook " + URL + " deleted."));
      assertThat(browser.findAll("#webhooks li.user")).isEmpty();
    }
  }
}
