package io.codedelivery.bridge;

import io.codedelivery.model.EncodedJson;
import io.vertx.core.Closeable;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.shareddata.Shareable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How the positions the bridge consumes reach this process's browsers: a poll's batch at a time, handed to each
 * listener (each web verticle, which writes them to the connections on its event loop that watch their delivery) in
 * one task on its event loop. Publishing each position on the event bus made a message, a task on the watching
 * connection's event loop and a pass through Vert.x's bridge for every position and every browser: most of the
 * bridge's work per position. The browsers see the same: each position, in order, as a message to
 * {@code delivery.<id>}.
 *
 * <p>One per Vert.x instance ({@link #of(Vertx)}), kept in its local shared data, so that the bridge, the web
 * verticles and the tests of one process find the same one.
 */
public final class LivePositions implements Shareable {
  private static final String SHARED_MAP = "code-delivery";
  private static final String KEY = LivePositions.class.getName();

  /** A position as consumed: its delivery's event-bus address and its JSON as it came off the topic. */
  public record Live(String address, String deliveryId, EncodedJson json) {
  }

  private record Listener(Context context, Handler<List<Live>> handler) {
  }

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private LivePositions() {
  }

  /** The one of this Vert.x instance. */
  public static LivePositions of(Vertx vertx) {
    return (LivePositions) vertx.sharedData().getLocalMap(SHARED_MAP).computeIfAbsent(KEY, key -> new LivePositions());
  }

  /**
   * Has {@code handler} take every batch from now on, on {@code context} (a verticle's: until it is undeployed), until
   * the returned action is run. Batches come in the order they were consumed; the lists are shared and must not be
   * changed.
   */
  public Runnable listen(Context context, Handler<List<Live>> handler) {
    ContextInternal target = ((ContextInternal) context).unwrap();
    Listener listener = new Listener(target, handler);
    Closeable stop = completion -> {
      listeners.remove(listener);
      completion.succeed();
    };
    listeners.add(listener);
    target.addCloseHook(stop);
    return () -> {
      listeners.remove(listener);
      target.removeCloseHook(stop);
    };
  }

  /** Hands a batch to every listener, each on its own context. */
  void publish(List<Live> batch) {
    for (Listener listener : listeners) {
      listener.context().runOnContext(v -> listener.handler().handle(batch));
    }
  }
}
