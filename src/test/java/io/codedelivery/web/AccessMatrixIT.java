package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Addresses;
import io.codedelivery.persistence.Store;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 16's access matrix, walked with real clients against a running stack: every REST route of the application
 * for every kind of caller, the bridge's actions for the same callers, and what a customer's tracking link opens —
 * valid, tampered with, withdrawn, expired. The expected answers are tables ({@link #REST}, {@link #BRIDGE},
 * {@link #LINKS}): they are the specification, and a failure prints the row as expected beside the row as answered.
 */
class AccessMatrixIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Who is calling: the columns of the tables, in this order. */
  enum Caller {
    /** No credentials at all. */
    NONE,
    VIEWER,
    DISPATCHER,
    ADMIN,
    /** A viewer's token after DELETE /api/session: the session is over, the signature still fine. */
    SIGNED_OUT,
    /** The admin's token with one character of its signature changed. */
    TAMPERED,
    /** A token of the admin's open session, correctly signed, whose expiry has passed. */
    EXPIRED,
    /** A customer's tracking-link token (of delivery {@code {tracked}}) presented as an operator's bearer token. */
    LINK_AS_BEARER
  }

  /**
   * Every REST route × caller → status. Placeholders in braces are set up in {@link #setUp()}: {@code {simulated}} a
   * running simulated delivery (so complete/cancel get past the guard to their 409 "simulated"), {@code {tracked}}
   * a device's delivery and {@code {link}} its tracking-link token, {@code {device}} the device it is assigned to.
   * A bearer that is not valid is refused 401 at once on every route but a tracking link's, which carries its own
   * authorization in the path. A path spelled another way ({@code /api/./users}, {@code %75}) is the route it
   * leads to, and needs what that route needs.
   */
  static final String REST = """
      METHOD PATH                                           BODY                                                             NONE VIEWER DISPATCHER ADMIN SIGNED_OUT TAMPERED EXPIRED LINK_AS_BEARER
      GET    /api/session                                   -                                                                401  200    200        200   401        401      401     401
      GET    /api/config                                    -                                                                200  200    200        200   401        401      401     401
      GET    /api/deliveries                                -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries/{simulated}                    -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries/{simulated}/positions          -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries/{simulated}/events             -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries/{simulated}/track.gpx          -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries/{simulated}/track.kml          -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries/{simulated}/track.csv          -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries/{simulated}/track.geojson      -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries/{simulated}/summary            -                                                                401  200    200        200   401        401      401     401
      GET    /api/deliveries?from=2026-01-01T00:00:00Z&status=finished -                                                 401  200    200        200   401        401      401     401
      GET    /api/reports/deliveries.csv?date=2026-12-01    -                                                                401  200    200        200   401        401      401     401
      POST   /api/deliveries                                {"routeId":"1"}                                                  401  403    202        202   401        401      401     401
      POST   /api/deliveries/{simulated}/complete           -                                                                401  403    409        409   401        401      401     401
      POST   /api/deliveries/{simulated}/cancel             -                                                                401  403    409        409   401        401      401     401
      POST   /api/deliveries/{simulated}/tracking-link/revoke -                                                              401  403    200        200   401        401      401     401
      GET    /api/devices                                   -                                                                401  200    200        200   401        401      401     401
      GET    /api/devices/{device}                          -                                                                401  200    200        200   401        401      401     401
      GET    /api/devices/{device}/delivery                 -                                                                401  200    200        200   401        401      401     401
      POST   /api/devices                                   {"uniqueId":"{newDevice}","name":"Van"}                          401  403    403        201   401        401      401     401
      DELETE /api/devices/{doomedDevice}                    -                                                                401  403    403        204   401        401      401     401
      GET    /api/routes                                    -                                                                401  200    200        200   401        401      401     401
      GET    /api/routes/1                                  -                                                                401  200    200        200   401        401      401     401
      POST   /api/routes                                    {routeFile}                                                      401  403    403        201   401        401      401     401
      GET    /api/users                                     -                                                                401  403    403        200   401        401      401     401
      POST   /api/users                                     {"username":"{newUser}","password":"long-enough-pw","roles":["viewer"]} 401 403 403     201   401        401      401     401
      PUT    /api/users/{spareUser}                         {"roles":["dispatcher"]}                                         401  403    403        204   401        401      401     401
      DELETE /api/users/{doomedUser}                        -                                                                401  403    403        204   401        401      401     401
      GET    /api/webhooks                                  -                                                                401  403    403        200   401        401      401     401
      POST   /api/webhooks                                  {"url":"https://192.0.2.10/hook","secret":"sixteen-chars-or-more"} 401 403 403          201   401        401      401     401
      PATCH  /api/webhooks/{webhook}                        {"enabled":false}                                                401  403    403        200   401        401      401     401
      GET    /api/webhooks/{webhook}/deliveries             -                                                                401  403    403        200   401        401      401     401
      DELETE /api/webhooks/{doomedWebhook}                  -                                                                401  403    403        204   401        401      401     401
      GET    /api/track/{link}                              -                                                                200  200    200        200   200        200      200     200
      GET    /api/track/{link}/positions                    -                                                                200  200    200        200   200        200      200     200
      GET    /api/track/{link}/events                       -                                                                200  200    200        200   200        200      200     200
      GET    /api/./users                                   -                                                                401  403    403        200   401        401      401     401
      GET    /api//users                                    -                                                                401  403    403        200   401        401      401     401
      GET    //api/users                                    -                                                                401  403    403        200   401        401      401     401
      GET    /api/%75sers                                   -                                                                401  403    403        200   401        401      401     401
      GET    /api/routes/../users                           -                                                                401  403    403        200   401        401      401     401
      GET    /api/no-such-endpoint                          -                                                                401  404    404        404   401        401      401     401
      POST   /api/no-such-endpoint                          -                                                                401  403    403        404   401        401      401     401
      """;

  /**
   * The bridge's actions × caller, each on a connection of its own, the token sent as the frames'
   * {@code authorization} header as vertx-eventbus.js sends it: {@code receives} = messages published to the address
   * reach it, {@code replies} = the start request is answered with a new delivery, {@code denied} = the bridge
   * answers {@code {"type":"err","body":"access_denied"}}. A tracking link listens to its own delivery's positions and
   * events, never to the fleet's.
   */
  static final String BRIDGE = """
      ACTION                         NONE    VIEWER   DISPATCHER ADMIN    SIGNED_OUT TAMPERED EXPIRED LINK_AS_BEARER
      register:deliveries.updates    denied  receives receives   receives denied     denied   denied  denied
      register:delivery.{tracked}    denied  receives receives   receives denied     denied   denied  receives
      register:delivery.{simulated}  denied  receives receives   receives denied     denied   denied  denied
      register:deliveries.events     denied  receives receives   receives denied     denied   denied  denied
      register:deliveries.fleet      denied  receives receives   receives denied     denied   denied  denied
      register:delivery-events.{tracked}   denied receives receives receives denied  denied   denied  receives
      register:delivery-events.{simulated} denied receives receives receives denied  denied   denied  denied
      send:deliveries.start          denied  denied   replies    replies  denied     denied   denied  denied
      """;

  /**
   * Customers' links: {@code GET /api/track/{token}} and registering for the link's own delivery on the bridge.
   * {@code {revoked}}: a link an operator withdrew; {@code {replacement}} the link the withdrawal answered with;
   * {@code {expired}}: the link of a delivery that ended two days ago; {@code {tampered}}: {@code {link}} with a
   * character of its signature changed.
   */
  static final String LINKS = """
      LINK           DELIVERY     REST  ERROR         BRIDGE
      {link}         {tracked}    200   -             receives
      {tampered}     {tracked}    401   invalid_link  denied
      {revoked}      {withdrawn}  403   link_revoked  denied
      {replacement}  {withdrawn}  200   -             receives
      {expired}      {ended}      403   link_expired  denied
      {replacement}  {tracked}    -     -             denied
      """;

  private static TestStack stack;
  private static Vertx vertx;
  private static final Map<Caller, String> TOKENS = new EnumMap<>(Caller.class);
  /** What the placeholders of the tables stand for. */
  private static final Map<String, String> FACTS = new HashMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    stack = TestStack.shared();
    vertx = stack.app().vertx();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String admin = stack.adminToken();

    TOKENS.put(Caller.VIEWER, stack.tokenOfNewUser("viewer-" + run, "viewer"));
    TOKENS.put(Caller.DISPATCHER, stack.tokenOfNewUser("dispatcher-" + run, "dispatcher"));
    TOKENS.put(Caller.ADMIN, admin);
    String leaving = stack.tokenOfNewUser("leaving-" + run, "viewer");
    assertThat(call("DELETE", "/api/session", null, leaving).statusCode()).as("sign-out").isEqualTo(204);
    TOKENS.put(Caller.SIGNED_OUT, leaving);
    TOKENS.put(Caller.TAMPERED, tampered(admin));
    TOKENS.put(Caller.EXPIRED, expiredCopyOf(admin));

    FACTS.put("simulated", startSimulated());
    FACTS.put("device", registerDevice("matrix-" + run));
    FACTS.put("tracked", assign(FACTS.get("device")));
    FACTS.put("link", linkOf(FACTS.get("tracked")));
    TOKENS.put(Caller.LINK_AS_BEARER, FACTS.get("link"));
    FACTS.put("tampered", tampered(FACTS.get("link")));

    FACTS.put("withdrawn", assign(registerDevice("withdrawn-" + run)));
    FACTS.put("revoked", linkOf(FACTS.get("withdrawn")));
    HttpResponse<String> revoked = call("POST", "/api/deliveries/" + FACTS.get("withdrawn") + "/tracking-link/revoke", "", admin);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    FACTS.put("replacement", tokenOf(new JsonObject(revoked.body()).getString("trackingUrl")));

    FACTS.put("ended", assign(registerDevice("ended-" + run)));
    FACTS.put("expired", linkOf(FACTS.get("ended")));
    endTwoDaysAgo(FACTS.get("ended"));

    FACTS.put("newDevice", "new-" + run);
    FACTS.put("doomedDevice", registerDevice("doomed-" + run));
    FACTS.put("newUser", "new-" + run);
    FACTS.put("spareUser", createUser("spare-" + run));
    FACTS.put("doomedUser", createUser("doomed-" + run));
    FACTS.put("webhook", createWebhook());
    FACTS.put("doomedWebhook", createWebhook());
    FACTS.put("routeFile", new JsonObject().put("type", "LineString").put("coordinates", new JsonArray(IntStream.range(0, 3)
        .mapToObj(i -> new JsonArray().add(-47.90 + i * 0.001).add(-15.80 - i * 0.001)).toList())).encode());
  }

  @TestFactory
  Stream<DynamicTest> everyRestRouteAnswersEachCallerAsTheTableSays() {
    return rows(REST).map(row -> DynamicTest.dynamicTest(row.get(0) + " " + row.get(1), () -> {
      String method = row.get(0);
      String path = filledIn(row.get(1));
      String body = row.get(2).equals("-") ? null : filledIn(row.get(2));
      List<String> expected = row.subList(3, row.size());
      List<String> answered = new ArrayList<>();
      List<String> bodies = new ArrayList<>();
      for (Caller caller : Caller.values()) {
        HttpResponse<String> response = call(method, path, body, TOKENS.get(caller));
        answered.add(String.valueOf(response.statusCode()));
        bodies.add(caller + ": " + response.body());
      }
      assertThat(answered).as("%s %s for %s%n%s", method, path, Arrays.toString(Caller.values()), String.join("\n", bodies))
          .isEqualTo(expected);
    }));
  }

  /** A refusal says why in the API's error shape, and asks a client without credentials to sign in. */
  @Test
  void refusalsAreJsonErrorsThatSayWhy() throws Exception {
    HttpResponse<String> anonymous = call("GET", "/api/deliveries", null, null);
    assertThat(new JsonObject(anonymous.body()).getString("error")).isEqualTo("unauthorized");
    assertThat(anonymous.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

    HttpResponse<String> viewer = call("GET", "/api/users", null, TOKENS.get(Caller.VIEWER));
    JsonObject forbidden = new JsonObject(viewer.body());
    assertThat(forbidden.getString("error")).isEqualTo("forbidden");
    assertThat(forbidden.getString("message")).contains("viewer").contains("admin");
  }

  @TestFactory
  Stream<DynamicTest> everyBridgeActionAnswersEachCallerAsTheTableSays() {
    return rows(BRIDGE).flatMap(row -> Arrays.stream(Caller.values()).map(caller -> DynamicTest.dynamicTest(
        row.get(0) + " as " + caller, () -> {
          String[] action = filledIn(row.get(0)).split(":", 2);
          String expected = row.get(1 + caller.ordinal());
          try (SockJsClient client = SockJsClient.connect(vertx, stack.httpPort()).authorizedAs(TOKENS.get(caller))) {
            if (action[0].equals("register")) {
              register(client, action[1], expected);
            } else {
              startOver(client, expected);
            }
          }
        })));
  }

  @TestFactory
  Stream<DynamicTest> aTrackingLinkOpensItsOwnDeliveryUntilWithdrawnOrExpired() {
    return rows(LINKS).map(row -> DynamicTest.dynamicTest(row.get(0) + " for " + row.get(1), () -> {
      String token = filledIn(row.get(0));
      String delivery = filledIn(row.get(1));
      if (!row.get(2).equals("-")) {
        HttpResponse<String> response = call("GET", "/api/track/" + token, null, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(Integer.parseInt(row.get(2)));
        JsonObject json = new JsonObject(response.body());
        if (row.get(3).equals("-")) {
          assertThat(json.getString("deliveryId")).isEqualTo(delivery);
        } else {
          assertThat(json.getString("error")).isEqualTo(row.get(3));
        }
      }
      try (SockJsClient client = SockJsClient.connect(vertx, stack.httpPort()).authorizedAs(token)) {
        register(client, Addresses.delivery(delivery), row.get(4));
      }
    }));
  }

  // The bridge, as a browser meets it.

  /**
   * Registers and checks the outcome: either messages published to the address reach the client, or the bridge
   * answers access_denied and messages that reach an admin's connection on the same address never reach this one.
   */
  private static void register(SockJsClient client, String address, String expected) throws Exception {
    client.register(address);
    if (expected.equals("receives")) {
      // Registration has no acknowledgement: publish until the first message arrives.
      awaitDelivered(client, address);
      assertThat(client.errors()).isEmpty();
      return;
    }
    assertThat(expected).isEqualTo("denied");
    awaitAccessDenied(client);
    try (SockJsClient admin = SockJsClient.connect(vertx, stack.httpPort()).authorizedAs(TOKENS.get(Caller.ADMIN))) {
      admin.register(address);
      awaitDelivered(admin, address);
    }
    assertThat(client.messagesTo(address)).as("messages that reached a permitted connection").isEmpty();
  }

  private static void awaitDelivered(SockJsClient client, String address) {
    // Shaped as an event's id: a customer's connection is shown only an event's own fields, the id among them.
    JsonObject probe = new JsonObject().put("eventId", UUID.randomUUID().toString());
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      vertx.eventBus().publish(address, probe);
      return client.messagesTo(address).stream().anyMatch(m -> probe.equals(m.getJsonObject("body")));
    });
  }

  private static void awaitAccessDenied(SockJsClient client) {
    await().atMost(WAIT).until(() -> client.errors().stream().anyMatch(e -> "access_denied".equals(e.getString("body"))));
  }

  private static void startOver(SockJsClient client, String expected) {
    String replyAddress = client.send(Addresses.START_DELIVERY, new JsonObject().put("routeId", "1"));
    if (expected.equals("replies")) {
      await().atMost(WAIT).until(() -> !client.messagesTo(replyAddress).isEmpty());
      JsonObject reply = client.messagesTo(replyAddress).get(0);
      assertThat(reply.getString("type")).as("reply %s", reply).isEqualTo("rec");
      assertThat(reply.getJsonObject("body").getString("deliveryId")).isNotBlank();
    } else {
      assertThat(expected).isEqualTo("denied");
      awaitAccessDenied(client);
      assertThat(client.messagesTo(replyAddress)).as("replies").allMatch(m -> "err".equals(m.getString("type")));
    }
  }

  // Setting up the facts the tables name.

  private static String startSimulated() throws Exception {
    HttpResponse<String> started = call("POST", "/api/deliveries", new JsonObject().put("routeId", "1").encode(), stack.adminToken());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = new JsonObject(started.body()).getString("deliveryId");
    await().atMost(WAIT).until(() -> call("GET", "/api/deliveries/" + id, null, stack.adminToken()).statusCode() == 200);
    return id;
  }

  private static String registerDevice(String uniqueId) throws Exception {
    HttpResponse<String> created = call("POST", "/api/devices", new JsonObject().put("uniqueId", uniqueId).put("name", uniqueId).encode(),
        stack.adminToken());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return uniqueId;
  }

  private static String assign(String deviceId) throws Exception {
    HttpResponse<String> assigned = call("POST", "/api/deliveries", new JsonObject().put("deviceId", deviceId)
        .put("destination", new JsonObject().put("lat", -15.79).put("lon", -47.88)).encode(), stack.adminToken());
    assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(202);
    return new JsonObject(assigned.body()).getString("deliveryId");
  }

  private static String linkOf(String deliveryId) throws Exception {
    HttpResponse<String> delivery = call("GET", "/api/deliveries/" + deliveryId, null, stack.adminToken());
    assertThat(delivery.statusCode()).as(delivery.body()).isEqualTo(200);
    return tokenOf(new JsonObject(delivery.body()).getString("trackingUrl"));
  }

  private static String tokenOf(String trackingUrl) {
    assertThat(trackingUrl).startsWith("/track/");
    return trackingUrl.substring("/track/".length());
  }

  /**
   * Completes the delivery, then moves its end two days back in the store: a fact set up (a delivery that ended
   * two days ago), past the shortest link lifetime of one hour, without waiting for it.
   */
  private static void endTwoDaysAgo(String deliveryId) throws Exception {
    HttpResponse<String> completed = call("POST", "/api/deliveries/" + deliveryId + "/complete", "", stack.adminToken());
    assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
    JsonObject twoDaysAgo = Store.date(Instant.now().minus(Duration.ofDays(2)));
    StoreProbe store = new StoreProbe(stack.app());
    // finishedAt is kept at its earliest ($min) when the end position is stored later, so this one stays.
    StoreProbe.await(store.mongo().updateCollection(Store.DELIVERIES, new JsonObject().put("_id", deliveryId),
        new JsonObject().put("$set", new JsonObject().put("endedAt", twoDaysAgo).put("finishedAt", twoDaysAgo))));
  }

  private static String createUser(String username) throws Exception {
    HttpResponse<String> created = call("POST", "/api/users", new JsonObject().put("username", username)
        .put("password", "long-enough-pw").put("roles", new JsonArray().add("viewer")).encode(), stack.adminToken());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return username;
  }

  /** A webhook to a documentation address (192.0.2.0/24, public to the guard yet never routed), so nothing is ever sent. */
  private static String createWebhook() throws Exception {
    HttpResponse<String> created = call("POST", "/api/webhooks", new JsonObject().put("url", "https://192.0.2.10/hook")
        .put("secret", "sixteen-chars-or-more").encode(), stack.adminToken());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getString("id");
  }

  /** The token with one character in the middle of its signature changed (the last one may carry only padding bits). */
  /**
   * The same session as the token's, signed with the key the server signs with (read from its store, as a process
   * of the deployment would), but expired a minute ago: only the expiry stands between it and the admin's rights.
   */
  private static String expiredCopyOf(String token) {
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    String key = StoreProbe.await(new StoreProbe(stack.app()).mongo().findOne(Store.SECRETS,
        new JsonObject().put("_id", "token-signing-key"), null)).getString("value");
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key)));
    long past = Instant.now().minusSeconds(60).getEpochSecond();
    return signer.generateToken(claims.put("exp", past).put("iat", past - 60), new JWTOptions().setNoTimestamp(true));
  }

  static String tampered(String token) {
    int at = token.lastIndexOf('.') + 10;
    char changed = token.charAt(at) == 'A' ? 'B' : 'A';
    return token.substring(0, at) + changed + token.substring(at + 1);
  }

  // The tables and the HTTP calls.

  /** The table's rows (its first line names the columns), each split on spaces. */
  private static Stream<List<String>> rows(String table) {
    return table.lines().skip(1).filter(line -> !line.isBlank()).map(line -> List.of(line.strip().split("\\s+")));
  }

  private static String filledIn(String text) {
    String filled = text;
    for (Map.Entry<String, String> fact : FACTS.entrySet()) {
      filled = filled.replace("{" + fact.getKey() + "}", fact.getValue());
    }
    return filled;
  }

  /** A call as an API client makes it: the token (if any) as a bearer, a JSON body with its content type. */
  static HttpResponse<String> call(String method, String path, String body, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).timeout(WAIT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null || method.equals("POST") || method.equals("PUT")) {
      request.header("content-type", "application/json");
    }
    if (bearer != null) {
      request.header("authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
