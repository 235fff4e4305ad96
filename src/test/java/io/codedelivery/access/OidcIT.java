package io.codedelivery.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Setting;
import io.codedelivery.support.TestIdentityProvider;
import io.codedelivery.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing in through OpenID Connect, against a provider this test runs and whose tokens it signs
 * ({@link TestIdentityProvider}): the application validates them with Vert.x's OAuth2 module through the provider's
 * JWKS, as it would Keycloak's. Bearer access tokens for API clients; the authorization code flow for browsers.
 */
class OidcIT {
  private static final String CLIENT_ID = "code-delivery";
  private static final String CLIENT_SECRET = "test-client-secret";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static TestIdentityProvider provider;
  private static TestStack stack;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startProviderAndApplication() throws Exception {
    provider = TestIdentityProvider.start(CLIENT_ID, CLIENT_SECRET);
    stack = TestStack.start(Map.of(Setting.OIDC_ISSUER, provider.issuer(), Setting.OIDC_CLIENT_ID, CLIENT_ID,
        Setting.OIDC_CLIENT_SECRET, CLIENT_SECRET, Setting.OIDC_ROLES_CLAIM, TestIdentityProvider.ROLES_CLAIM));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder get(String url) {
    return HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : stack.baseUrl() + url)).GET();
  }

  private HttpResponse<String> withBearer(String token, String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).header("authorization", "Bearer " + token);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    }
    return send(http, request);
  }

  @Test
  void aProvidersAccessTokenWithTheDispatcherRoleMayStartADeliveryButNotCreateAUser() throws Exception {
    String token = provider.accessToken("dora", "dispatcher", "uma_authorization");

    HttpResponse<String> who = withBearer(token, "GET", "/api/session", null);
    HttpResponse<String> started = withBearer(token, "POST", "/api/deliveries", new JsonObject().put("routeId", "1"));
    HttpResponse<String> user = withBearer(token, "POST", "/api/users",
        new JsonObject().put("username", "mallory").put("password", "long-enough-password").put("roles", new JsonArray().add("admin")));

    assertThat(who.statusCode()).as(who.body()).isEqualTo(200);
    assertThat(new JsonObject(who.body()).getString("username")).isEqualTo("dora");
    assertThat(new JsonObject(who.body()).getJsonArray("roles")).as("the unknown role is ignored").containsExactly("dispatcher");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(user.statusCode()).as(user.body()).isEqualTo(403);
  }

  @Test
  void expiredForgedForeignAndRolelessTokensAreRefused() throws Exception {
    long now = Instant.now().getEpochSecond();
    JsonObject valid = provider.claims("eve", List.of("admin"));
    Map<String, String> refused = Map.of(
        "expired ten minutes ago", provider.sign(valid.copy().put("iat", now - 900).put("exp", now - 600)),
        "signed by a key the provider never published", provider.signWithAnotherKey(valid),
        "for another application", provider.sign(valid.copy().put("aud", "another-client")),
        "for no audience", provider.sign(valid.copy().put("aud", new JsonArray())),
        "of another issuer", provider.sign(valid.copy().put("iss", "http://localhost:1/elsewhere")),
        "with no role of this application", provider.accessToken("eve", "offline_access"));

    for (Map.Entry<String, String> token : refused.entrySet()) {
      HttpResponse<String> response = withBearer(token.getValue(), "GET", "/api/deliveries", null);
      assertThat(response.statusCode()).as("a token %s: %s", token.getKey(), response.body()).isEqualTo(401);
    }
    assertThat(withBearer(provider.sign(valid), "GET", "/api/deliveries", null).statusCode()).as("the same claims, signed right").isEqualTo(200);
  }

  @Test
  void aBrowserSignsInAtTheProviderAndComesBackWithTheSessionCookie() throws Exception {
    provider.signsIn("ada", "admin", "offline_access");
    CookieManager cookies = new CookieManager();
    HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies)
        .followRedirects(HttpClient.Redirect.NORMAL).build();

    HttpResponse<String> config = send(browser, get("/api/config"));
    HttpResponse<String> back = send(browser, get("/api/session/oidc?next=/driver"));

    assertThat(new JsonObject(config.body()).getBoolean("oidc")).as("the sign-in page offers it").isTrue();
    assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    assertThat(back.uri().getPath()).isEqualTo("/api/session/oidc/callback");
    Matcher refresh = Pattern.compile("http-equiv=\"refresh\" content=\"0; url=([^\"]+)\"").matcher(back.body());
    assertThat(refresh.find()).as(back.body()).isTrue();
    assertThat(refresh.group(1)).isEqualTo("/driver");
    HttpCookie session = cookies.getCookieStore().get(URI.create(stack.baseUrl())).stream()
        .filter(c -> c.getName().equals("cd_session")).findFirst().orElseThrow();
    assertThat(session.isHttpOnly()).isTrue();

    HttpResponse<String> who = send(browser, get("/api/session"));
    HttpResponse<String> page = send(browser, get(refresh.group(1)));
    assertThat(who.statusCode()).as(who.body()).isEqualTo(200);
    assertThat(new JsonObject(who.body()).getString("username")).isEqualTo("ada");
    assertThat(new JsonObject(who.body()).getJsonArray("roles")).containsExactly("admin");
    assertThat(page.statusCode()).as("the page the sign-in began for, not the sign-in page").isEqualTo(200);
    assertThat(page.uri().getPath()).isEqualTo("/driver");
  }

  @Test
  void aUserTheProviderGaveNoRoleHereIsSentBackToTheSignInPageWithoutASession() throws Exception {
    provider.signsIn("olga", "offline_access");
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> end = followThroughProvider(browser, false);

    assertRefused(end, "sso_no_role");
  }

  @Test
  void aReturnThatIsNotTheSignInThisBrowserBeganOpensNoSession() throws Exception {
    provider.signsIn("ada", "admin");
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    HttpClient otherBrowser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> tamperedState = followThroughProvider(browser, true);
    // An attacker's own code and state, planted in a browser that began no sign-in (login CSRF).
    HttpResponse<String> toProvider = send(browser, get("/api/session/oidc"));
    String callback = send(browser, get(toProvider.headers().firstValue("location").orElseThrow())).headers().firstValue("location").orElseThrow();
    HttpResponse<String> planted = send(otherBrowser, get(callback));

    assertRefused(tamperedState, "sso_failed");
    assertRefused(planted, "sso_failed");
  }

  private static void assertRefused(HttpResponse<String> response, String reason) {
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("location")).hasValue("/signin?error=" + reason);
    assertThat(response.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("cd_session="));
  }

  /** The redirects to the provider and back, one by one: this application's answer to the browser's return. */
  private static HttpResponse<String> followThroughProvider(HttpClient browser, boolean forgeState) throws Exception {
    HttpResponse<String> toProvider = send(browser, get("/api/session/oidc"));
    assertThat(toProvider.statusCode()).as(toProvider.body()).isEqualTo(302);
    HttpResponse<String> fromProvider = send(browser, get(toProvider.headers().firstValue("location").orElseThrow()));
    assertThat(fromProvider.statusCode()).as(fromProvider.body()).isEqualTo(302);
    String callback = fromProvider.headers().firstValue("location").orElseThrow();
    return send(browser, get(forgeState ? callback.replaceFirst("state=[^&]+", "state=forged") : callback));
  }

  @Test
  void anUnreachableIssuerStopsTheStartWithAMessageThatSaysSo() throws Exception {
    String issuer = "http://127.0.0.1:" + TestStack.freePort();
    AppConfig config = AppConfig.load(Map.of()).with(Map.of(Setting.OIDC_ISSUER, issuer, Setting.OIDC_CLIENT_ID, CLIENT_ID));
    Vertx vertx = Vertx.vertx();
    try {
      Throwable failure = Access.create(vertx, config).toCompletionStage().toCompletableFuture()
          .handle((access, e) -> e).get(30, TimeUnit.SECONDS);
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).contains("oidc.issuer=" + issuer).contains("could not be discovered")
          .contains(issuer + "/.well-known/openid-configuration");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
