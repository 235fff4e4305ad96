package io.codedelivery.web;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.codedelivery.access.Access;
import io.codedelivery.access.Operator;
import io.codedelivery.access.OperatorRole.Permission;
import io.codedelivery.bridge.LivePositions;
import io.codedelivery.config.AppConfig;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.EncodedJson;
import io.codedelivery.ops.HttpServers;
import io.codedelivery.persistence.DeliveryQueries;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SockJS event-bus bridge: browsers may send only to {@code deliveries.start} and listen only to
 * {@code delivery.<uuid>}, {@code delivery-events.<uuid>}, {@code deliveries.updates}, {@code deliveries.events} and
 * {@code deliveries.fleet},
 * and only as far as their operator's roles or their delivery's tracking link allow (a link: its own delivery's
 * positions and events, nothing fleet-wide). Oversized messages and bursts of start requests are
 * refused with a clear failure; a browser that stops reading is disconnected before its backlog grows.
 */
final class SockJsBridge {
  private static final Logger LOG = LoggerFactory.getLogger(SockJsBridge.class);
  /** Long enough for {@code delivery-events.<uuid>}; anything longer is refused before it costs a registration. */
  static final int MAX_ADDRESS_LENGTH = 64;
  /** Where the bridge is mounted; the page's client connects here. */
  static final String PATH = "/eventbus";
  static final int BAD_REQUEST = 400;
  static final int PAYLOAD_TOO_LARGE = 413;
  static final int TOO_MANY_REQUESTS = 429;
  /**
   * Messages written to a connection but not yet taken by its network socket. SockJS sessions over WebSocket
   * buffer without bound for a browser that stops reading, so the bridge counts for itself and cuts such a
   * connection off at this many (a few seconds of a busy map's traffic).
   */
  static final int MAX_UNWRITTEN_MESSAGES = 1_000;
  /** Close code for a connection cut off for not reading (4000–4999 are the application's own). */
  static final int CLOSE_TOO_SLOW = 4008;
  /** Close code for a connection whose session ended or whose tracking link was withdrawn or expired. */
  static final int CLOSE_ACCESS_ENDED = 4003;
  /** How often registrations are decided again (sessions are cached as long, so this costs few store reads). */
  static final long RECHECK_MS = 5_000;
  /** An address no rule permits: a refused frame is pointed here so the bridge answers it {@code access_denied}. */
  static final String DENIED_ADDRESS = "access-denied";
  private static final Pattern DELIVERY_EVENTS_ADDRESS = Pattern.compile(Addresses.DELIVERY_EVENTS_ADDRESS_REGEX);
  /** What a customer's page is shown of an event: not its details (internal figures such as distances off route). */
  private static final Set<String> CUSTOMER_EVENT_FIELDS = Set.of("eventId", "deliveryId", "type", "at", "position");
  private final Vertx vertx;
  private final AppConfig config;
  private final PipelineMetrics metrics;
  private final Access access;
  private final DeliveryQueries deliveries;
  /** The open connections of this verticle's event loop (everything below is touched only there). */
  private final Map<SockJSSocket, Connection> connections = new HashMap<>();
  /**
   * Per {@code delivery.<id>} address, the connections registered to it, which the bridge's positions are written
   * to ({@link LivePositions}).
   */
  private final Map<String, List<Connection>> watching = new HashMap<>();
  /** The last message encoded for a browser, by body and address; same event loop (see {@link #encode}). */
  private Object lastBody;
  private String lastAddress;
  private String lastEncoded;

  SockJsBridge(Vertx vertx, AppConfig config, PipelineMetrics metrics, Access access, DeliveryQueries deliveries) {
    this.access = access;
    this.deliveries = deliveries;
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
  }

  /**
   * Mounts the bridge at {@link #PATH}: every SockJS request first passes the origin check (the WebSocket
   * handshake, the xhr and eventsource requests alike), and xhr_send gets its body read, which Vert.x 5's SockJS
   * handler needs done before it (it answers 500 otherwise).
   */
  void mount(Router router, SameOrigin sameOrigin, Handler<RoutingContext> connectionUser) {
    router.route(PATH + "/*").handler(sameOrigin).handler(connectionUser);
    // The same frame limit as over WebSocket, so an oversized message reaches the bridge and is answered 413 there
    // on every transport.
    router.postWithRegex(PATH + "/[^/]+/[^/]+/xhr_send").handler(BodyHandler.create(false).setBodyLimit(HttpServers.maxSockJsFrameBytes(config)));
    SockJSHandlerOptions sockJs = sockJsOptions();
    // One bridge for every transport: WebSocket sessions of our own, the other transports Vert.x's.
    EventBusBridgeImpl bridge = new EventBusBridgeImpl(vertx, null, bridgeOptions(), this::onEventSafely);
    router.getWithRegex(PATH + SockJsWebSocket.PATH_REGEX).handler(SockJsWebSocket.transport(vertx, sockJs, bridge));
    router.route(PATH + "/*").subRouter(SockJSHandler.create(vertx, sockJs).socketHandler(bridge));
    vertx.setPeriodic(RECHECK_MS, timer -> recheckGrants());
    LivePositions.of(vertx).listen(vertx.getOrCreateContext(), this::onPositions);
  }

  private SockJSBridgeOptions bridgeOptions() {
    return new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.START_DELIVERY))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.DELIVERY_ADDRESS_REGEX))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.DELIVERY_UPDATES))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.DELIVERY_EVENTS_ADDRESS_REGEX))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.DELIVERY_EVENTS))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.FLEET))
        .setMaxAddressLength(MAX_ADDRESS_LENGTH)
        .setMaxHandlersPerSocket(config.bridgeMaxRegistrations());
  }

  private SockJSHandlerOptions sockJsOptions() {
    // JSONP and htmlfile are loaded by <script>/<iframe> tags, which send no Origin: any site could read the
    // stream through them. Browsers without WebSocket use xhr-streaming, xhr-polling or eventsource instead.
    return new SockJSHandlerOptions()
        .addDisabledTransport(Transport.JSON_P.name())
        .addDisabledTransport(Transport.HTML_FILE.name())
        .setHeartbeatInterval(heartbeatMs());
  }

  /** A failure here is the server's own: logged as such, the frame declined (the bridge would log it as a client's). */
  private void onEventSafely(BridgeEvent event) {
    try {
      onEvent(event);
    } catch (RuntimeException e) {
      LOG.error("Bridge event {} failed", event.type(), e);
      event.tryFail(e);
    }
  }

  /** SockJS's usual 25 s, or often enough that a quiet map's connection never reaches the HTTP idle timeout. */
  private long heartbeatMs() {
    return Math.min(SockJSHandlerOptions.DEFAULT_HEARTBEAT_INTERVAL, config.httpIdleTimeoutSeconds() * 1000L / 2);
  }

  private void onEvent(BridgeEvent event) {
    if (event.type() != BridgeEventType.RECEIVE && hasMalformedHeaders(event.getRawMessage())) {
      metrics.clientFault("malformed_bridge_frame");
      refuse(event, BAD_REQUEST, "'headers' must be a JSON object of text values, like {\"authorization\":\"Bearer …\"}");
      return;
    }
    switch (event.type()) {
      case SOCKET_CREATED -> {
        metrics.sockJsOpened();
        connections.put(event.socket(), new Connection(event.socket(), new TokenBucket(config.bridgeMaxStartsPerMinute(), 60_000)));
      }
      case SOCKET_ERROR -> {
        // A broken connection (reset, half-closed proxy): the client's doing, counted, not logged as an error.
        metrics.clientFault("socket_error");
        LOG.debug("SockJS connection from {} failed", event.socket().remoteAddress());
      }
      case SOCKET_CLOSED -> {
        metrics.sockJsClosed();
        connections.remove(event.socket());
      }
      case SEND, PUBLISH -> {
        if (tooLarge(event.getRawMessage())) {
          refuse(event, PAYLOAD_TOO_LARGE, "message body larger than " + config.bridgeMaxBodyBytes() + " bytes");
          return;
        }
        authorize(event).onComplete(allowed -> {
          if (allowed.failed() || !allowed.result()) {
            return;
          }
          if (Addresses.START_DELIVERY.equals(event.getRawMessage().getString("address")) && !allowStart(event.socket())) {
            refuse(event, TOO_MANY_REQUESTS, "too many start requests from this connection (at most "
                + config.bridgeMaxStartsPerMinute() + " a minute); try again shortly");
          } else {
            event.complete(true);
          }
        });
        return;
      }
      case UNREGISTER -> {
        String address = event.getRawMessage().getString("address");
        Connection connection = connections.get(event.socket());
        if (connection != null) {
          connection.revoke(address);
          List<Connection> watchers = watching.get(address);
          if (watchers != null && watchers.remove(connection) && watchers.isEmpty()) {
            watching.remove(address);
          }
        }
      }
      case REGISTERED -> {
        // Vert.x's bridge has registered it (allowed, not yet registered, within the connection's limit).
        String address = event.getRawMessage().getString("address");
        Connection connection = connections.get(event.socket());
        if (connection != null && Addresses.isDeliveryAddress(address)) {
          watching.computeIfAbsent(address, a -> new ArrayList<>(1)).add(connection);
        }
      }
      case REGISTER -> {
        authorize(event).onSuccess(allowed -> {
          if (allowed) {
            event.complete(true);
          }
        });
        return;
      }
      case RECEIVE -> {
        deliverBounded(event);
        return;
      }
      default -> {
        // the rest is checked by the bridge's own rules
      }
    }
    event.complete(true);
  }

  /**
   * Decides a frame that needs someone: listening to the fleet's updates or starting a delivery needs an operator
   * (starting, a dispatcher); listening to one delivery needs an operator or that delivery's tracking link. The
   * operator is the one of the frame's {@code authorization} header, else of the connection's cookie. A frame
   * refused here gets the bridge's own {@code access_denied}; the future says whether it may go on.
   */
  private Future<Boolean> authorize(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    String address = frame.getString("address");
    Optional<Permission> needed = permissionFor(address);
    if (needed.isEmpty()) {
      // Not one of ours: the bridge's permitted addresses refuse it with access_denied.
      return Future.succeededFuture(true);
    }
    JsonObject headers = frame.getJsonObject("headers");
    String token = AccessGuard.bearerToken(headers == null ? null : headers.getString("authorization"));
    // The connection's own session is asked again for each frame, so a sign-out or a role change reaches it.
    String connectionToken = AccessGuard.connectionToken(event.socket().webUser());
    String credential = token != null ? token : connectionToken;
    boolean registering = event.type() == BridgeEventType.REGISTER;
    return decide(address, needed.get(), credential, registering && token != null).map(grant -> {
      if (grant == Grant.DENIED) {
        deny(event, why(connectionToken, token));
        return false;
      }
      Connection connection = connections.get(event.socket());
      if (registering && connection != null) {
        connection.grant(address, new Granted(credential, grant));
      }
      return true;
    });
  }

  private static Optional<Permission> permissionFor(String address) {
    if (Addresses.START_DELIVERY.equals(address)) {
      return Optional.of(Permission.DISPATCH);
    }
    boolean watching = Addresses.DELIVERY_UPDATES.equals(address) || Addresses.DELIVERY_EVENTS.equals(address)
        || Addresses.FLEET.equals(address) || isOneDeliverysAddress(address);
    return watching ? Optional.of(Permission.SEE_FLEET) : Optional.empty();
  }

  /** {@code delivery.<id>} or {@code delivery-events.<id>}: what a tracking link of that delivery may listen to. */
  private static boolean isOneDeliverysAddress(String address) {
    return address != null && (Addresses.isDeliveryAddress(address) || DELIVERY_EVENTS_ADDRESS.matcher(address).matches());
  }

  private static boolean isLinksOwn(String address, String deliveryId) {
    return address.equals(Addresses.delivery(deliveryId)) || address.equals(Addresses.deliveryEvents(deliveryId));
  }

  /** How a frame was let through: as an operator's, or as a customer's tracking link's; or not at all. */
  enum Grant { OPERATOR, TRACKING_LINK, DENIED }

  /** A registration and what let it through, checked again every {@link #RECHECK_MS}. */
  private record Granted(String credential, Grant grant) {
  }

  /** What this event loop keeps of one open connection. */
  private static final class Connection {
    final SockJSSocket socket;
    /** Start requests it may still make. */
    final TokenBucket startAllowance;
    /** Its registrations that needed someone, and who. */
    final Map<String, Granted> grants = new HashMap<>();
    /** Whether it listens with a customer's tracking link (and so is not shown the device's id). */
    boolean customer;
    /** Messages handed to it and not yet written out. */
    int unwritten;
    /** Cut off for not reading: nothing more is written to it. */
    boolean cutOff;
    /** Its access ended: it is being closed. */
    private boolean accessEnded;

    Connection(SockJSSocket socket, TokenBucket startAllowance) {
      this.socket = socket;
      this.startAllowance = startAllowance;
    }

    void grant(String address, Granted granted) {
      grants.put(address, granted);
      customer |= granted.grant() == Grant.TRACKING_LINK;
    }

    void revoke(String address) {
      if (grants.remove(address) != null) {
        customer = grants.values().stream().anyMatch(granted -> granted.grant() == Grant.TRACKING_LINK);
      }
    }

    /** True the first time only: its registrations are forgotten, and the caller closes it. */
    boolean endAccess() {
      if (accessEnded) {
        return false;
      }
      accessEnded = true;
      grants.clear();
      return true;
    }
  }

  /**
   * An operator whose roles permit it; or, for listening to one delivery with a token of the frame's own, that
   * delivery's tracking link.
   */
  private Future<Grant> decide(String address, Permission needed, String credential, boolean linkMayWatch) {
    return decide(address, needed, credential, linkMayWatch, access::operator);
  }

  /** @param operatorOf who a credential is, if an operator ({@link Access#operator}, or a round's memo of it) */
  private Future<Grant> decide(String address, Permission needed, String credential, boolean linkMayWatch,
      Function<String, Future<Optional<Operator>>> operatorOf) {
    if (credential == null) {
      return Future.succeededFuture(Grant.DENIED);
    }
    return operatorOf.apply(credential).compose(found -> {
      if (found.isPresent()) {
        return Future.succeededFuture(found.get().may(needed) ? Grant.OPERATOR : Grant.DENIED);
      }
      if (!linkMayWatch || !isOneDeliverysAddress(address)) {
        return Future.succeededFuture(Grant.DENIED);
      }
      return access.openLink(credential, deliveries::delivery)
          .map(verdict -> verdict.opened() && isLinksOwn(address, verdict.deliveryId()) ? Grant.TRACKING_LINK : Grant.DENIED);
    }).otherwise(Grant.DENIED);
  }

  /**
   * Registrations outlive the frame that made them: every {@link #RECHECK_MS} each one is decided again, and a
   * connection whose session ended, whose roles no longer allow it or whose tracking link was revoked or expired
   * is closed (the page then learns why when it connects again).
   */
  private void recheckGrants() {
    // Who an operator's token is, looked up once a round however many registrations it made: checking a token's
    // signature for each registration of thousands of connections was a tenth of the event loops' time.
    Map<String, Future<Optional<Operator>>> operators = new HashMap<>();
    Function<String, Future<Optional<Operator>>> operatorOf = credential -> operators.computeIfAbsent(credential, access::operator);
    // Over a copy: a decision already known closes its connection at once, which changes the connections.
    for (Connection connection : new ArrayList<>(connections.values())) {
      new HashMap<>(connection.grants).forEach((address, granted) ->
          decide(address, Permission.SEE_FLEET, granted.credential(), granted.grant() == Grant.TRACKING_LINK, operatorOf).onSuccess(grant -> {
            if (grant == Grant.DENIED && connection.endAccess()) {
              metrics.clientFault("bridge_access_ended");
              LOG.debug("Closing SockJS connection from {}: its access to {} ended", connection.socket.remoteAddress(), address);
              SockJsClose.close(connection.socket, CLOSE_ACCESS_ENDED, "access ended: sign in again or ask for a new link");
            }
          }));
    }
  }


  static String why(String connectionToken, String token) {
    return token != null ? "the token does not allow it" : connectionToken != null ? "your session does not allow it" : "sign in first";
  }

  /**
   * Refuses a frame with the bridge's own {@code access_denied} (its address is swapped for one no rule permits,
   * since a refusal from this handler would read "rejected"); a request also gets a failed reply saying why.
   */
  private void deny(BridgeEvent event, String why) {
    metrics.clientFault("bridge_access_denied");
    JsonObject frame = event.getRawMessage();
    String replyAddress = frame.getString("replyAddress");
    if (replyAddress != null) {
      event.socket().write(failure(403, "access_denied: " + why, replyAddress).encode());
    }
    event.setRawMessage(frame.copy().put("address", DENIED_ADDRESS));
    event.complete(true);
  }

  private boolean allowStart(SockJSSocket socket) {
    Connection connection = connections.get(socket);
    return connection == null || connection.startAllowance.tryTake(System.currentTimeMillis());
  }

  /** Vert.x's bridge reads {@code headers} as an object of strings and drops a frame without a word otherwise. */
  private static boolean hasMalformedHeaders(JsonObject frame) {
    Object headers = frame == null ? null : frame.getValue("headers");
    if (headers == null) {
      return false;
    }
    return !(headers instanceof JsonObject object) || object.stream().anyMatch(header -> !(header.getValue() instanceof String));
  }

  private boolean tooLarge(JsonObject frame) {
    Object body = frame == null ? null : frame.getValue("body");
    return body != null && JsonObject.of("b", body).encode().getBytes(StandardCharsets.UTF_8).length > config.bridgeMaxBodyBytes();
  }

  /** Answers the sender's reply handler with a clear failure, not just the bridge's bare "rejected". */
  private void refuse(BridgeEvent event, int code, String message) {
    event.socket().write(failure(code, message, event.getRawMessage().getString("replyAddress")).encode());
    event.complete(false);
  }

  /** A failed reply as the event-bus client reads it: addressed to the request's reply handler when there is one. */
  private static JsonObject failure(int code, String message, String replyAddress) {
    JsonObject error = new JsonObject()
        .put("type", "err")
        .put("failureCode", code)
        .put("failureType", "RECIPIENT_FAILURE")
        .put("message", message);
    if (replyAddress != null) {
      error.put("address", replyAddress);
    }
    return error;
  }

  /**
   * Writes the message the bridge would write, counting it until the socket has taken it. A browser that
   * stopped reading would make the server buffer without bound; past the limit it is cut off instead.
   */
  private void deliverBounded(BridgeEvent event) {
    // Declined to the bridge either way: delivered here, or not at all.
    event.complete(false);
    Connection connection = connections.get(event.socket());
    if (connection != null) {
      deliver(connection, event.getRawMessage());
    }
  }

  /**
   * A batch of positions from this process's bridge, to the connections on this event loop that watch their
   * delivery: each as the message Vert.x's bridge would make of it, encoded once for all of them.
   */
  private void onPositions(List<LivePositions.Live> batch) {
    for (LivePositions.Live position : batch) {
      List<Connection> watchers = watching.get(position.address());
      if (watchers != null) {
        JsonObject message = new JsonObject().put("type", "rec").put("address", position.address()).put("body", position.json());
        for (int i = 0; i < watchers.size(); i++) {
          deliver(watchers.get(i), message);
        }
      }
    }
  }

  private void deliver(Connection connection, JsonObject message) {
    if (connection.cutOff) {
      return;
    }
    if (connection.unwritten >= MAX_UNWRITTEN_MESSAGES) {
      connection.cutOff = true;
      LOG.warn("Closing SockJS connection from {}: {} messages not taken, it is not reading", connection.socket.remoteAddress(),
          connection.unwritten);
      metrics.sockJsDropped();
      SockJsClose.close(connection.socket, CLOSE_TOO_SLOW, "too slow: messages were not being read");
      return;
    }
    connection.unwritten++;
    JsonObject shown = connection.customer ? forCustomer(message) : message;
    connection.socket.write(encode(shown)).onComplete(written -> connection.unwritten--);
  }

  /**
   * A message as a customer's page gets it: a position without the device's id (see {@link TrackApi#forCustomer}),
   * an event with only what says what happened, when and where ({@link #CUSTOMER_EVENT_FIELDS}).
   */
  private static JsonObject forCustomer(JsonObject message) {
    Object value = message.getValue("body");
    JsonObject body = value instanceof EncodedJson json ? json.toJsonObject() : value instanceof JsonObject object ? object.copy() : null;
    if (body == null) {
      return message;
    }
    // The bridge made this envelope for this connection alone: only its body is replaced, by a new one.
    JsonObject copy = new JsonObject(new LinkedHashMap<>(message.getMap()));
    String address = message.getString("address");
    boolean event = address != null && DELIVERY_EVENTS_ADDRESS.matcher(address).matches();
    copy.put("body", event ? eventForCustomer(body) : TrackApi.forCustomer(body));
    return copy;
  }

  private static JsonObject eventForCustomer(JsonObject event) {
    JsonObject shown = new JsonObject();
    event.forEach(field -> {
      if (CUSTOMER_EVENT_FIELDS.contains(field.getKey())) {
        shown.put(field.getKey(), field.getValue());
      }
    });
    return shown.copy();
  }

  /**
   * The message as text. The browsers watching one delivery on this event loop get its positions one after the
   * other, each wrapped around the same shared body ({@link io.codedelivery.model.ReadOnlyJsonCodec}), so the
   * text is made once per position and event loop instead of once per browser. Package-private for its unit test.
   */
  String encode(JsonObject message) {
    Object body = message.getValue("body");
    String address = message.getString("address");
    // type, address and body only: a message with headers or a reply address is encoded on its own.
    boolean plain = message.size() == 3;
    if (plain && body == lastBody && Objects.equals(address, lastAddress)) {
      return lastEncoded;
    }
    String encoded;
    if (body instanceof EncodedJson json) {
      // Its text is the body's JSON as it is: put in place, not parsed and encoded again.
      encoded = plain && message.getValue("type") instanceof String type && address != null
          ? "{\"type\":" + quoted(type) + ",\"address\":" + quoted(address) + ",\"body\":" + json.text() + "}"
          : withEncodedBody(message, json);
    } else {
      encoded = message.encode();
    }
    if (plain) {
      lastBody = body;
      lastAddress = address;
      lastEncoded = encoded;
    }
    return encoded;
  }

  /** A message whose body is already encoded, with headers or a reply address besides: the rest encoded around it. */
  private static String withEncodedBody(JsonObject message, EncodedJson body) {
    JsonObject rest = new JsonObject(new LinkedHashMap<>(message.getMap()));
    rest.remove("body");
    String head = rest.encode();
    return head.length() == 2 ? "{\"body\":" + body.text() + "}"
        : head.substring(0, head.length() - 1) + ",\"body\":" + body.text() + "}";
  }

  private static String quoted(String text) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
  }

  /** A fixed number of permits per period, refilled continuously. */
  static final class TokenBucket {
    private final double capacity;
    private final double permitsPerMs;
    private double permits;
    private long lastRefill = -1;

    TokenBucket(int capacity, long periodMs) {
      this.capacity = capacity;
      this.permitsPerMs = capacity / (double) periodMs;
      this.permits = capacity;
    }

    boolean tryTake(long nowMs) {
      if (lastRefill >= 0) {
        permits = Math.min(capacity, permits + (nowMs - lastRefill) * permitsPerMs);
      }
      lastRefill = nowMs;
      if (permits < 1) {
        return false;
      }
      permits--;
      return true;
    }
  }
}
