package io.codedelivery.web;

import io.codedelivery.PipelineMetrics;
import io.codedelivery.model.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;

/**
 * The SockJS event-bus bridge: browsers may send only to {@code deliveries.start} and listen only to
 * {@code delivery.<uuid>} and {@code deliveries.updates}; nothing else crosses, and oversized messages are refused.
 */
final class EventBusBridge {
  /** Long enough for {@code delivery.<uuid>}; anything longer is refused before it costs a registration. */
  static final int MAX_ADDRESS_LENGTH = 64;
  static final int PAYLOAD_TOO_LARGE = 413;

  private final Vertx vertx;
  private final int maxBodyBytes;
  private final int maxRegistrations;
  private final PipelineMetrics metrics;

  EventBusBridge(Vertx vertx, int maxBodyBytes, int maxRegistrations, PipelineMetrics metrics) {
    this.vertx = vertx;
    this.maxBodyBytes = maxBodyBytes;
    this.maxRegistrations = maxRegistrations;
    this.metrics = metrics;
  }

  Router router() {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.START_DELIVERY))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.DELIVERY_ADDRESS_REGEX))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.DELIVERY_UPDATES))
        .setMaxAddressLength(MAX_ADDRESS_LENGTH)
        .setMaxHandlersPerSocket(maxRegistrations);
    return SockJSHandler.create(vertx, new SockJSHandlerOptions()).bridge(options, this::onEvent);
  }

  private void onEvent(BridgeEvent event) {
    if (event.type() == BridgeEventType.SOCKET_CREATED) {
      metrics.sockJsOpened();
    } else if (event.type() == BridgeEventType.SOCKET_CLOSED) {
      metrics.sockJsClosed();
    }
    if ((event.type() == BridgeEventType.SEND || event.type() == BridgeEventType.PUBLISH) && tooLarge(event.getRawMessage())) {
      refuseTooLarge(event);
      return;
    }
    event.complete(true);
  }

  private boolean tooLarge(JsonObject frame) {
    Object body = frame == null ? null : frame.getValue("body");
    return body != null && JsonObject.of("b", body).encode().length() > maxBodyBytes;
  }

  /** Answers the sender's reply handler with a clear failure, not just the bridge's bare "rejected". */
  private void refuseTooLarge(BridgeEvent event) {
    String replyAddress = event.getRawMessage().getString("replyAddress");
    JsonObject error = new JsonObject()
        .put("type", "err")
        .put("failureCode", PAYLOAD_TOO_LARGE)
        .put("failureType", "RECIPIENT_FAILURE")
        .put("message", "message body larger than " + maxBodyBytes + " bytes");
    if (replyAddress != null) {
      error.put("address", replyAddress);
    }
    event.socket().write(error.encode());
    event.complete(false);
  }
}
