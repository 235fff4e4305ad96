package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.TestStack;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing in and out as the pages and API clients do it, through a real HTTP client: the token and the session
 * cookie, no hint whether a name exists, the throttle, the CSRF check on writes a cookie authorizes, the pages that
 * need a session, and the admin's users API with the changes reaching sessions that are already open.
 * <p>
 * A stack of its own: failed sign-ins are counted per client address, and every test here comes from 127.0.0.1.
 */
class SignInIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** How soon a change to an account reaches the user's open sessions, at the latest. */
  private static final Duration SESSION_CHANGE = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String PASSWORD = "ten-chars!";
  private static TestStack stack;

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  // Signing in and out.

  @Test
  void signingInAnswersTheTokenAndRolesAndSetsAnHttpOnlyStrictCookieForTheWholeSite() throws Exception {
    HttpResponse<String> response = signIn(stack, "admin", TestStack.ADMIN_PASSWORD);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject session = new JsonObject(response.body());
    assertThat(session.getString("username")).isEqualTo("admin");
    assertThat(session.getJsonArray("roles")).containsExactly("admin");
    assertThat(session.getString("token")).isNotBlank();
    assertThat(session.getString("expiresAt")).isNotBlank();
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");

    SetCookie cookie = sessionCookie(response);
    assertThat(cookie.value()).isEqualTo(session.getString("token"));
    assertThat(cookie.has("HttpOnly")).as("HttpOnly").isTrue();
    assertThat(cookie.attribute("SameSite")).hasValue("Strict");
    assertThat(cookie.attribute("Path")).hasValue("/");
    assertThat(cookie.has("Secure")).as("Secure over plain HTTP").isFalse();

    JsonObject who = new JsonObject(get("/api/session", bearer(session.getString("token"))).body());
    assertThat(who.getString("username")).isEqualTo("admin");
    assertThat(who.getJsonArray("roles")).containsExactly("admin");
  }

  @Test
  void aWrongPasswordAndAnUnknownNameGetTheSameAnswer() throws Exception {
    HttpResponse<String> wrongPassword = signIn(stack, "admin", "not-the-password");
    HttpResponse<String> unknownUser = signIn(stack, "nobody-" + UUID.randomUUID(), "not-the-password");

    assertThat(wrongPassword.statusCode()).isEqualTo(401);
    assertThat(unknownUser.statusCode()).isEqualTo(401);
    assertThat(unknownUser.body()).isEqualTo(wrongPassword.body());
    assertThat(new JsonObject(wrongPassword.body())).isEqualTo(new JsonObject()
        .put("error", "unauthorized").put("message", "wrong user name or password"));
    assertThat(wrongPassword.headers().allValues("set-cookie")).isEmpty();
  }

  /** An API client that keeps sending its old token asks for a new one, and gets it. */
  @Test
  void signingInWorksWhileAnOldTokenIsStillSent() throws Exception {
    String old = newUser("renewing", "viewer");
    assertThat(send("DELETE", "/api/session", null, bearer(old)).statusCode()).isEqualTo(204);

    HttpResponse<String> again = send("POST", "/api/session", credentials("renewing", PASSWORD), bearer(old));

    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
  }

  @Test
  void signingOutEndsTheTokenAndClearsTheCookie() throws Exception {
    String token = newUser("leaving", "viewer");
    assertThat(get("/api/session", cookie(token)).statusCode()).isEqualTo(200);

    HttpResponse<String> elsewhere = send("DELETE", "/api/session", null, cookie(token));
    assertThat(elsewhere.statusCode()).as("a cookie sign-out without this site's Origin (logout CSRF)").isEqualTo(403);
    assertThat(get("/api/session", cookie(token)).statusCode()).as("still signed in after it").isEqualTo(200);

    HttpResponse<String> signedOut = send("DELETE", "/api/session", null, cookie(token), "origin", stack.baseUrl());

    assertThat(signedOut.statusCode()).isEqualTo(204);
    SetCookie cleared = sessionCookie(signedOut);
    assertThat(cleared.value()).isEmpty();
    assertThat(cleared.attribute("Max-Age")).hasValue("0");
    assertThat(get("/api/session", bearer(token)).statusCode()).as("the token afterwards").isEqualTo(401);
    assertThat(get("/api/deliveries", bearer(token)).statusCode()).isEqualTo(401);
    assertThat(get("/api/session", cookie(token)).statusCode()).as("the cookie, if a browser kept it").isEqualTo(401);
    assertThat(get("/", cookie(token)).statusCode()).as("the console, with that cookie").isEqualTo(302);
  }

  /**
   * The console's bridge connection is known by the cookie its handshake carried; once that session is signed out,
   * the connection may no longer act for it, as the cookie may no longer act over REST.
   */
  @Test
  void aSignedOutSessionsOpenBridgeConnectionMayNoLongerStartDeliveries() throws Exception {
    String token = newUser(unique("bridge-leaver"), "dispatcher");
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    WebSocketClient client = stack.app().vertx().createWebSocketClient();
    try {
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("localhost")
              .setPort(stack.httpPort()).setURI("/eventbus/1/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket")
              .addHeader("cookie", AccessGuard.SESSION_COOKIE + "=" + token))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      socket.textMessageHandler(frame -> received.addAll(SockJsClient.messages(frame)));
      Supplier<String> start = () -> {
        String replyAddress = UUID.randomUUID().toString();
        socket.writeTextMessage(SockJsClient.frame(new JsonObject().put("type", "send")
            .put("address", Addresses.START_DELIVERY).put("body", new JsonObject().put("routeId", "1"))
            .put("replyAddress", replyAddress)));
        return replyAddress;
      };
      String first = start.get();
      await().atMost(WAIT).until(() -> received.stream().anyMatch(m -> first.equals(m.getString("address"))));
      assertThat(received).filteredOn(m -> first.equals(m.getString("address"))).first()
          .satisfies(reply -> assertThat(reply.getString("type")).as("signed in: %s", reply).isEqualTo("rec"));

      assertThat(send("DELETE", "/api/session", null, bearer(token)).statusCode()).isEqualTo(204);

      await().atMost(SESSION_CHANGE).pollInterval(Duration.ofSeconds(1)).until(() -> {
        start.get();
        return received.stream().anyMatch(m -> "access_denied".equals(m.getString("body")));
      });
    } finally {
      client.close();
    }
  }

  // Writes a cookie authorizes come from this site's own pages.

  @Test
  void aWriteAuthorizedByTheCookieNeedsThisSitesOrigin() throws Exception {
    String token = newUser("csrf-dispatcher", "dispatcher");
    String start = new JsonObject().put("routeId", "1").encode();

    HttpResponse<String> noOrigin = send("POST", "/api/deliveries", start, cookie(token));
    assertThat(noOrigin.statusCode()).as(noOrigin.body()).isEqualTo(403);
    assertThat(new JsonObject(noOrigin.body()).getString("error")).isEqualTo("csrf");

    HttpResponse<String> foreign = send("POST", "/api/deliveries", start, cookie(token), "origin", "http://evil.example");
    assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(403);

    HttpResponse<String> ownPage = send("POST", "/api/deliveries", start, cookie(token), "origin", stack.baseUrl());
    assertThat(ownPage.statusCode()).as(ownPage.body()).isEqualTo(202);

    HttpResponse<String> apiClient = send("POST", "/api/deliveries", start, bearer(token));
    assertThat(apiClient.statusCode()).as("a bearer token needs no Origin: %s", apiClient.body()).isEqualTo(202);

    assertThat(get("/api/deliveries", cookie(token)).statusCode()).as("reads need no Origin").isEqualTo(200);
  }

  // Pages.

  @Test
  void theOperatorsPagesSendAVisitorWithoutASessionToSignInAndBack() throws Exception {
    for (String page : List.of("/", "/users", "/webhooks", "/driver")) {
      HttpResponse<String> response = get(page, new String[0]);
      assertThat(response.statusCode()).as(page).isEqualTo(302);
      assertThat(response.headers().firstValue("location")).as(page)
          .hasValue("/signin?next=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
    }
    assertThat(get("/", cookie(stack.adminToken())).statusCode()).as("with a session").isEqualTo(200);
    assertThat(get("/webhooks", cookie(stack.adminToken())).body()).as("the webhooks page").contains("<title>Webhooks");
    assertThat(get("/", cookie(TestStack.class.getSimpleName())).statusCode()).as("with a cookie that is no session").isEqualTo(302);
  }

  @Test
  void theSignInPageAndCustomersTrackingPagesAreOpen() throws Exception {
    for (String page : List.of("/signin", "/track/" + UUID.randomUUID())) {
      assertThat(get(page, new String[0]).statusCode()).as(page).isEqualTo(200);
    }
  }

  // The users API.

  @Test
  void anAdminCreatesAUserWhoSignsInWithThoseRoles() throws Exception {
    String name = unique("created");
    HttpResponse<String> created = send("POST", "/api/users", user(name, PASSWORD, "dispatcher", "viewer"), admin());

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("location")).hasValue("/api/users/" + name);
    JsonObject account = new JsonObject(created.body());
    assertThat(account.getString("username")).isEqualTo(name);
    assertThat(account.getJsonArray("roles")).containsExactlyInAnyOrder("dispatcher", "viewer");
    assertThat(account.getString("createdAt")).isNotBlank();
    assertThat(account.containsKey("password")).isFalse();
    assertThat(usernames()).contains(name);
    assertThat(send("POST", "/api/users", user(name, PASSWORD, "viewer"), admin()).statusCode()).as("the same name again").isEqualTo(409);

    HttpResponse<String> signedIn = signIn(stack, name, PASSWORD);
    assertThat(signedIn.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(signedIn.body()).getJsonArray("roles")).containsExactlyInAnyOrder("dispatcher", "viewer");
  }

  @Test
  void passwordsShorterThanTenCharactersAreRefused() throws Exception {
    String name = unique("short");
    HttpResponse<String> nine = send("POST", "/api/users", user(name, "nine-char", "viewer"), admin());
    assertThat(nine.statusCode()).as(nine.body()).isEqualTo(400);
    assertThat(new JsonObject(nine.body()).getString("message")).contains("10");

    assertThat(send("POST", "/api/users", user(name, "ten-chars!", "viewer"), admin()).statusCode()).isEqualTo(201);
    assertThat(send("PUT", "/api/users/" + name, new JsonObject().put("password", "too-short").encode(), admin()).statusCode())
        .isEqualTo(400);
    assertThat(signIn(stack, name, "ten-chars!").statusCode()).as("the password kept").isEqualTo(200);
  }

  @Test
  void changedRolesApplyToTheUsersOpenSessionWithinSeconds() throws Exception {
    String name = unique("promoted");
    String token = newUser(name, "viewer");
    assertThat(get("/api/users", bearer(token)).statusCode()).isEqualTo(403);

    assertThat(send("PUT", "/api/users/" + name, roles("admin"), admin()).statusCode()).isEqualTo(204);
    await().atMost(SESSION_CHANGE).until(() -> get("/api/users", bearer(token)).statusCode() == 200);
    assertThat(new JsonObject(get("/api/session", bearer(token)).body()).getJsonArray("roles")).containsExactly("admin");

    assertThat(send("PUT", "/api/users/" + name, roles("viewer"), admin()).statusCode()).isEqualTo(204);
    await().atMost(SESSION_CHANGE).until(() -> get("/api/users", bearer(token)).statusCode() == 403);
    assertThat(get("/api/deliveries", bearer(token)).statusCode()).as("still signed in, as a viewer").isEqualTo(200);
  }

  @Test
  void aNewPasswordEndsTheUsersSessions() throws Exception {
    String name = unique("rekeyed");
    String token = newUser(name, "viewer");

    assertThat(send("PUT", "/api/users/" + name, new JsonObject().put("password", "a-new-password").encode(), admin()).statusCode())
        .isEqualTo(204);

    await().atMost(SESSION_CHANGE).until(() -> get("/api/session", bearer(token)).statusCode() == 401);
    assertThat(signIn(stack, name, PASSWORD).statusCode()).as("the old password").isEqualTo(401);
    assertThat(signIn(stack, name, "a-new-password").statusCode()).as("the new one").isEqualTo(200);
  }

  @Test
  void aRemovedUserIsSignedOutAndCannotSignInAgain() throws Exception {
    String name = unique("removed");
    String token = newUser(name, "dispatcher");

    assertThat(send("DELETE", "/api/users/" + name, null, admin()).statusCode()).isEqualTo(204);

    await().atMost(SESSION_CHANGE).until(() -> get("/api/deliveries", bearer(token)).statusCode() == 401);
    assertThat(usernames()).doesNotContain(name);
    assertThat(signIn(stack, name, PASSWORD).statusCode()).isEqualTo(401);
    assertThat(send("DELETE", "/api/users/" + name, null, admin()).statusCode()).as("removed twice").isEqualTo(404);
  }

  @Test
  void theLastAdminCanBeNeitherRemovedNorDemoted() throws Exception {
    assertThat(admins()).as("precondition: one admin").containsExactly("admin");

    HttpResponse<String> removed = send("DELETE", "/api/users/admin", null, admin());
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(409);
    HttpResponse<String> demoted = send("PUT", "/api/users/admin", roles("dispatcher"), admin());
    assertThat(demoted.statusCode()).as(demoted.body()).isEqualTo(409);
    assertThat(admins()).containsExactly("admin");
    assertThat(get("/api/users", admin()).statusCode()).as("still an admin").isEqualTo(200);

    // With a second admin, either may go: the rule is about the last one.
    String deputy = unique("deputy");
    newUser(deputy, "admin");
    assertThat(send("PUT", "/api/users/" + deputy, roles("viewer"), admin()).statusCode()).isEqualTo(204);
    assertThat(admins()).containsExactly("admin");
  }

  // The throttle, on a stack of its own: it turns away every sign-in from this address for a minute.

  @Test
  void theEleventhFailedSignInInAMinuteIsTurnedAwayEvenWithTheRightPassword() throws Exception {
    try (TestStack throttled = TestStack.start(Map.of())) {
      for (int attempt = 1; attempt <= 10; attempt++) {
        assertThat(signIn(throttled, "admin", "wrong-password-" + attempt).statusCode()).as("attempt %d", attempt).isEqualTo(401);
      }

      HttpResponse<String> eleventh = signIn(throttled, "admin", "wrong-password-11");
      assertThat(eleventh.statusCode()).as(eleventh.body()).isEqualTo(429);
      assertThat(new JsonObject(eleventh.body()).getString("error")).isEqualTo("too_many_requests");
      assertThat(eleventh.headers().firstValue("retry-after")).hasValueSatisfying(
          seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));

      HttpResponse<String> rightPassword = signIn(throttled, "admin", TestStack.ADMIN_PASSWORD);
      assertThat(rightPassword.statusCode()).as("the right password, same name and address").isEqualTo(429);
      assertThat(rightPassword.headers().firstValue("retry-after")).isPresent();
      assertThat(signIn(throttled, "someone-else", "wrong-password").statusCode()).as("another name, same address").isEqualTo(429);
    }
  }

  // Calls.

  private record SetCookie(String value, Map<String, String> attributes) {
    boolean has(String name) {
      return attributes.keySet().stream().anyMatch(name::equalsIgnoreCase);
    }

    Optional<String> attribute(String name) {
      return attributes.entrySet().stream().filter(a -> a.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }
  }

  private static SetCookie sessionCookie(HttpResponse<String> response) {
    String header = response.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(AccessGuard.SESSION_COOKIE + "="))
        .findFirst().orElseThrow(() -> new AssertionError("no " + AccessGuard.SESSION_COOKIE + " cookie in " + response.headers().map()));
    List<String> parts = Arrays.stream(header.split(";")).map(String::strip).toList();
    Map<String, String> attributes = parts.stream().skip(1)
        .collect(Collectors.toMap(a -> a.split("=", 2)[0], a -> a.contains("=") ? a.split("=", 2)[1] : ""));
    return new SetCookie(parts.get(0).substring(AccessGuard.SESSION_COOKIE.length() + 1), attributes);
  }

  private static HttpResponse<String> signIn(TestStack on, String username, String password) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(on.baseUrl() + "/api/session")).timeout(WAIT)
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(credentials(username, password))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String credentials(String username, String password) {
    return new JsonObject().put("username", username).put("password", password).encode();
  }

  private static String user(String username, String password, String... roles) {
    return new JsonObject().put("username", username).put("password", password).put("roles", new JsonArray(List.of((Object[]) roles))).encode();
  }

  private static String roles(String... roles) {
    return new JsonObject().put("roles", new JsonArray(List.of((Object[]) roles))).encode();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates the user (as the admin) with {@link #PASSWORD} and signs in: its session token. */
  private static String newUser(String username, String... roles) throws Exception {
    HttpResponse<String> created = send("POST", "/api/users", user(username, PASSWORD, roles), admin());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> signedIn = signIn(stack, username, PASSWORD);
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    return new JsonObject(signedIn.body()).getString("token");
  }

  private static Set<String> usernames() throws Exception {
    return new JsonArray(get("/api/users", admin()).body()).stream().map(u -> ((JsonObject) u).getString("username")).collect(Collectors.toSet());
  }

  private static List<String> admins() throws Exception {
    return new JsonArray(get("/api/users", admin()).body()).stream().map(u -> (JsonObject) u)
        .filter(u -> u.getJsonArray("roles").contains("admin")).map(u -> u.getString("username")).toList();
  }

  private static String[] admin() {
    return bearer(stack.adminToken());
  }

  private static String[] bearer(String token) {
    return new String[] {"authorization", "Bearer " + token};
  }

  private static String[] cookie(String token) {
    return new String[] {"cookie", AccessGuard.SESSION_COOKIE + "=" + token};
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    return send("GET", path, null, headers);
  }

  private static HttpResponse<String> send(String method, String path, String json, String[] credentials, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).timeout(WAIT)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("content-type", "application/json");
    }
    if (credentials.length > 0) {
      request.headers(credentials);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
