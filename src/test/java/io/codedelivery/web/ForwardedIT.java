package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind a proxy that ends TLS and forwards the client's address, the server must see what the proxy saw — but only
 * when told to trust the proxy ({@code http.trust.forwarded}); otherwise any client could claim another address.
 */
class ForwardedIT {
  private static final String FAILURES = "3";
  private final HttpClient http = HttpClient.newHttpClient();

  /** Guesses are made for another user name, so that only the per-address count can stop the admin's sign-in. */
  private static final String GUESSED_USER = "someone-else";

  private HttpResponse<String> signIn(TestStack stack, String username, String password, String clientAddress, String protocol) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/session"))
        .header("content-type", "application/json")
        .header("x-forwarded-for", clientAddress)
        .header("x-forwarded-proto", protocol)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", username).put("password", password).encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean secureCookie(HttpResponse<String> response) {
    return response.headers().allValues("set-cookie").stream()
        .anyMatch(cookie -> cookie.startsWith(AccessGuard.SESSION_COOKIE + "=") && cookie.toLowerCase().contains("; secure"));
  }

  @Test
  void behindATrustedProxyTheClientsAddressIsThrottledAndItsHttpsMakesTheCookieSecure() throws Exception {
    try (TestStack stack = TestStack.start(Map.of(Setting.HTTP_TRUST_FORWARDED, "true", Setting.AUTH_MAX_FAILURES_PER_MINUTE, FAILURES))) {
      for (int i = 0; i < Integer.parseInt(FAILURES); i++) {
        assertThat(signIn(stack, GUESSED_USER, "wrong-password", "203.0.113.7", "https").statusCode()).isEqualTo(401);
      }
      assertThat(signIn(stack, GUESSED_USER, "wrong-password", "203.0.113.7", "https").statusCode()).as("the guessing client").isEqualTo(429);

      HttpResponse<String> otherClient = signIn(stack, "admin", TestStack.ADMIN_PASSWORD, "198.51.100.4", "https");
      assertThat(otherClient.statusCode()).as("another client behind the same proxy").isEqualTo(200);
      assertThat(secureCookie(otherClient)).as("Secure: the client used HTTPS").isTrue();
    }
  }

  @Test
  void withoutTrustForwardedHeadersChangeNothing() throws Exception {
    try (TestStack stack = TestStack.start(Map.of(Setting.AUTH_MAX_FAILURES_PER_MINUTE, FAILURES))) {
      for (int i = 0; i < Integer.parseInt(FAILURES); i++) {
        assertThat(signIn(stack, GUESSED_USER, "wrong-password", "203.0.113." + i, "https").statusCode()).isEqualTo(401);
      }
      HttpResponse<String> claimedElsewhere = signIn(stack, "admin", TestStack.ADMIN_PASSWORD, "198.51.100.4", "https");
      assertThat(claimedElsewhere.statusCode()).as("a client cannot escape the throttle by claiming another address").isEqualTo(429);
    }
    try (TestStack stack = TestStack.start(Map.of())) {
      HttpResponse<String> signedIn = signIn(stack, "admin", TestStack.ADMIN_PASSWORD, "198.51.100.4", "https");
      assertThat(signedIn.statusCode()).isEqualTo(200);
      assertThat(secureCookie(signedIn)).as("plain HTTP to the server: no Secure, whatever a header claims").isFalse();
    }
  }
}
