// The live feed: the SockJS event bus, its addresses, and which deliveries this page follows on it.
// EventBus is a global from vendor/vertx-eventbus.js (a classic script), used only once connect() runs.
// The console follows the fleet feed too; the customer tracking page follows its one delivery only, showing the
// bridge its link's token with each registration (the bridge lets a token register its own delivery's address).

const UPDATES_ADDRESS = 'deliveries.updates';
const START_ADDRESS = 'deliveries.start';
const deliveryAddress = (id) => `delivery.${id}`;

export class LiveFeed {
  /**
   * @param {{onOpen: () => void, onClose: () => void, onError: (err: object) => void,
   *          onUpdate?: (update: object) => void}} listeners onUpdate gets each deliveries.updates body; without
   *          it the fleet feed is not followed at all
   * @param {{headers?: object}} [options] headers sent with each registration (e.g. an authorization)
   */
  constructor(listeners, { headers = {} } = {}) {
    this.listeners = listeners;
    this.headers = headers;
    this.bus = null;
    // Handlers registered on the current socket, by delivery id. The client library forgets all handlers
    // when its socket closes, so this is emptied on close and rebuilt on open.
    this.followed = new Map();
  }

  connect(url = '/eventbus') {
    const bus = new EventBus(url);
    this.bus = bus;
    bus.enableReconnect(true);
    bus.onopen = () => {
      this.followed.clear();
      if (this.listeners.onUpdate) {
        bus.registerHandler(UPDATES_ADDRESS, this.headers, (err, message) => {
          if (!err && message?.body) {
            this.listeners.onUpdate(message.body);
          }
        });
      }
      this.listeners.onOpen();
    };
    bus.onclose = () => {
      this.followed.clear();
      this.listeners.onClose();
    };
    bus.onerror = (err) => this.listeners.onError(err);
  }

  /** Closes the socket for good, without reconnecting: nothing more will come that the page needs. */
  close() {
    if (this.bus !== null) {
      this.bus.enableReconnect(false);
      if (this.bus.state !== EventBus.CLOSED) {
        this.bus.close();
      }
    }
  }

  isOpen() {
    return this.bus !== null && this.bus.state === EventBus.OPEN;
  }

  /**
   * Follows delivery.<id> on the current socket: onPosition gets each position body, onError a failed
   * registration. Nothing happens while the socket is closed or the delivery is already followed.
   */
  follow(deliveryId, onPosition, onError) {
    if (this.followed.has(deliveryId) || !this.isOpen()) {
      return;
    }
    const handler = (err, message) => (err ? onError(err) : onPosition(message.body));
    this.followed.set(deliveryId, handler);
    this.bus.registerHandler(deliveryAddress(deliveryId), this.headers, handler);
  }

  /** Frees the registration (the server caps them per socket); a finished delivery sends nothing more. */
  unfollow(deliveryId) {
    const handler = this.followed.get(deliveryId);
    this.followed.delete(deliveryId);
    if (handler && this.isOpen()) {
      this.bus.unregisterHandler(deliveryAddress(deliveryId), this.headers, handler);
    }
  }

  /** Asks the server to start a delivery on this route; resolves to the reply's body ({deliveryId, …}, or undefined). */
  startDelivery(routeId) {
    return new Promise((resolve, reject) => {
      this.bus.send(START_ADDRESS, { routeId }, {}, (err, reply) => (err ? reject(err) : resolve(reply?.body)));
    });
  }
}
