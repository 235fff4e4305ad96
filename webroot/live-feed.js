// The live feed: the SockJS event bus, its addresses, and which deliveries this page follows on it.
// EventBus is a global from vendor/vertx-eventbus.js (a classic script), used only once connect() runs.
// The console listens to the fleet's addresses once each (the fleet feed carries every delivery's latest state, so the
// fleet's size costs no registrations) and to one delivery's own address only for the delivery it follows; the
// customer tracking page follows its one delivery only, showing the bridge its link's token with each registration
// (the bridge lets a token register its own delivery's address). Starting a delivery is REST's (api.js), not the bus's.

const UPDATES_ADDRESS = 'deliveries.updates';
const EVENTS_ADDRESS = 'deliveries.events';
const FLEET_ADDRESS = 'deliveries.fleet';
const deliveryAddress = (id) => `delivery.${id}`;
const deliveryEventsAddress = (id) => `delivery-events.${id}`;

export class LiveFeed {
  /**
   * @param {{onOpen: () => void, onClose: () => void, onError: (err: object) => void,
   *          onUpdate?: (update: object) => void, onEvent?: (event: object) => void,
   *          onFleet?: (batch: object) => void}} listeners onUpdate gets each deliveries.updates body, onEvent each
   *          deliveries.events body (every delivery's events), onFleet each deliveries.fleet body (the latest state of
   *          every delivery that moved); without them the fleet's feeds are not followed at all
   * @param {{headers?: object}} [options] headers sent with each registration (e.g. an authorization)
   */
  constructor(listeners, { headers = {} } = {}) {
    this.listeners = listeners;
    this.headers = headers;
    this.bus = null;
    // Handlers registered on the current socket, by delivery id. The client library forgets all handlers
    // when its socket closes, so this is emptied on close and rebuilt on open.
    this.followed = new Map();
    // The same for one delivery's events (delivery-events.<id>), by delivery id.
    this.followedEvents = new Map();
  }

  connect(url = '/eventbus') {
    const bus = new EventBus(url);
    this.bus = bus;
    bus.enableReconnect(true);
    bus.onopen = () => {
      this.followed.clear();
      this.followedEvents.clear();
      this.listenToFleet(UPDATES_ADDRESS, this.listeners.onUpdate);
      this.listenToFleet(EVENTS_ADDRESS, this.listeners.onEvent);
      this.listenToFleet(FLEET_ADDRESS, this.listeners.onFleet);
      this.listeners.onOpen();
    };
    bus.onclose = () => {
      this.followed.clear();
      this.followedEvents.clear();
      this.listeners.onClose();
    };
    bus.onerror = (err) => this.listeners.onError(err);
  }

  /** Registers for a fleet-wide address when the page listens to it (an operator's console). */
  listenToFleet(address, onBody) {
    if (onBody) {
      this.bus.registerHandler(address, this.headers, (err, message) => {
        if (!err && message?.body) {
          onBody(message.body);
        }
      });
    }
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
    this.register(this.followed, deliveryAddress(deliveryId), deliveryId, onPosition, onError);
  }

  /** Registers for one delivery's address, kept in `followed` by delivery id; once per socket. */
  register(followed, address, deliveryId, onBody, onError) {
    if (followed.has(deliveryId) || !this.isOpen()) {
      return;
    }
    const handler = (err, message) => (err ? onError(err) : onBody(message.body));
    followed.set(deliveryId, handler);
    this.bus.registerHandler(address, this.headers, handler);
  }

  /** Frees the registration (the server caps them per socket); a finished delivery sends nothing more. */
  unfollow(deliveryId) {
    const handler = this.followed.get(deliveryId);
    this.followed.delete(deliveryId);
    if (handler && this.isOpen()) {
      this.bus.unregisterHandler(deliveryAddress(deliveryId), this.headers, handler);
    }
  }

  /**
   * Follows delivery-events.<id> on the current socket (a customer's page: its own delivery's events): onEvent gets
   * each event body, onError a failed registration. As follow(), nothing happens while closed or already followed.
   */
  followEvents(deliveryId, onEvent, onError) {
    this.register(this.followedEvents, deliveryEventsAddress(deliveryId), deliveryId, onEvent, onError);
  }
}
