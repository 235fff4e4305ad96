// Everything drawn on the Leaflet map. Leaflet is loaded as a classic script before this module (global L).
// Each drawn shape carries class and data-delivery-id attributes naming what it is, so the map's DOM says
// which vehicle, planned route and trail belong to which delivery (for dev tools and browser tests alike).

const BRASILIA = [-15.80, -47.90];
const START_ZOOM = 13;
const MAX_FIT_ZOOM = 17;
// The closest zoom: the tiles' own limit, and one the map must know even without tiles (clustering needs it).
const MAX_ZOOM = 19;
// A trail is drawn in pieces of at most this many points, each starting where the one before ends: a new position
// redraws the last piece only, not the whole trail (a fleet's thousand trails each grow twice a second, and Leaflet
// projects, clips and writes out every point of a line it redraws).
const TRAIL_PIECE_POINTS = 32;
const OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

const prefersReducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
// The followed (or replayed) vehicle: drawn above the clusters, larger, with a dark ring.
const RAISED_STYLE = { radius: 11, color: '#111111', weight: 4 };
const PLAIN_STYLE = { radius: 8, color: '#ffffff', weight: 3 };
// A cluster's icon is a control (a tap zooms into it): as large as a finger needs, where the plugin draws it 40 px.
const CLUSTER_ICON_PX = 44;
// The pane depots are drawn in: under the routes, vehicles and clusters (its z-index is in styles.css), so a cluster
// parked at a depot is never hidden behind the depot's square.
const DEPOTS_PANE = 'depots';

export class MapView {
  /**
   * @param {HTMLElement} container the element Leaflet takes over
   * @param {string} tilesUrl tile URL template; "" means run without tiles
   * @param {() => void} onTilesOffline called (at most once) when there are no tiles to show
   * @param {{cluster?: boolean, onVehicleClick?: (deliveryId: string) => void}} [options] cluster: vehicles close
   *        together on screen are drawn as one numbered cluster (Leaflet.markercluster), except the raised one;
   *        onVehicleClick: a click on a vehicle
   */
  constructor(container, tilesUrl, onTilesOffline, { cluster = false, onVehicleClick = null } = {}) {
    this.map = L.map(container, { zoomControl: true, maxZoom: MAX_ZOOM }).setView(BRASILIA, START_ZOOM);
    // Drawn layers (planned route, destination, trail, vehicle) per delivery id; kept apart from the
    // delivery object so the state stays plain data.
    this.layers = new Map();
    this.animations = new Map();
    // Where each gliding vehicle is going (delivery id -> LatLng).
    this.glidingTo = new Map();
    // Each trail's pieces, and how many of its delivery's positions it shows up to which one ({pieces, count, last};
    // count and last are null when it shows other points: a replay's).
    this.trailsDrawn = new WeakMap();
    this.onVehicleClick = onVehicleClick;
    // Where vehicles go: a cluster group on a fleet's console, else the map itself. Not animated: vehicles move
    // every second, and the plugin's fades would redraw the clusters each time.
    this.vehicles = cluster && L.markerClusterGroup
      ? L.markerClusterGroup({
        animate: false, showCoverageOnHover: false, maxClusterRadius: 40, iconCreateFunction: clusterIcon,
      }).addTo(this.map)
      : this.map;
    this.map.createPane(DEPOTS_PANE);
    this.raisedId = null;
    // Clustered vehicles to add, move and remove, applied together once per animation frame (flushVehicles): the plugin
    // re-clusters and redraws its icons after every single change, and a fleet batch moves a thousand vehicles at once.
    this.vehiclesToAdd = new Set();
    this.vehiclesToMove = new Map(); // vehicle layer -> LatLng it goes to
    this.vehiclesToRemove = new Set();
    this.flushQueued = false;

    if (!tilesUrl) {
      onTilesOffline();
      return;
    }
    const tiles = L.tileLayer(tilesUrl, { maxZoom: MAX_ZOOM, attribution: OSM_ATTRIBUTION });
    let reported = false;
    tiles.on('tileerror', () => {
      // One note is enough: a tile server outage fails every tile.
      if (!reported) {
        reported = true;
        onTilesOffline();
      }
    });
    tiles.addTo(this.map);
  }

  layersOf(delivery) {
    let layers = this.layers.get(delivery.id);
    if (!layers) {
      layers = { plan: null, destination: null, trail: null, vehicle: null };
      this.layers.set(delivery.id, layers);
    }
    return layers;
  }

  /** The planned route (faint, dashed) and a destination pin; drawn once the route is known. */
  showPlan(delivery, route) {
    const layers = this.layersOf(delivery);
    if (layers.plan || !route || route.points.length === 0) {
      return;
    }
    const latLngs = route.points.map((p) => [p.lat, p.lon]);
    layers.plan = this.addNamed(L.polyline(latLngs, {
      color: delivery.colour, weight: 4, opacity: 0.3, dashArray: '6 8', interactive: false, className: 'planned-route',
    }), delivery);

    this.showDestination(delivery, route.endPosition ?? route.points[route.points.length - 1]);
  }

  /** The destination pin at `end` ({lat, lon}), drawn once: with the planned route, or alone when there is none. */
  showDestination(delivery, end) {
    const layers = this.layersOf(delivery);
    if (layers.destination) {
      return;
    }
    // The pin is an element, not an HTML string, so its colour is set through the DOM and the page
    // needs no inline style attributes (the Content-Security-Policy forbids them).
    const pin = document.createElement('span');
    pin.className = 'destination-pin-shape';
    pin.style.backgroundColor = delivery.colour;
    layers.destination = this.addNamed(L.marker([end.lat, end.lon], {
      icon: L.divIcon({ className: 'destination-pin', html: pin, iconSize: [18, 18], iconAnchor: [9, 18] }),
      interactive: false,
      keyboard: false,
    }), delivery);
  }

  /**
   * The travelled trail gets every exact point; only the vehicle marker is animated. A trail whose positions only grew
   * at the end since it was drawn (new latest positions, the usual case) gets the new points added to its last piece
   * (see TRAIL_PIECE_POINTS); one that did not grow is left alone.
   */
  showTrail(delivery) {
    const held = delivery.positions;
    const trail = this.layers.get(delivery.id)?.trail;
    const drawn = trail ? this.trailsDrawn.get(trail) : null;
    // Positions are only ever inserted, in seq order: the same object still at the old last index means none came
    // before it.
    if (drawn && drawn.count !== null && held.length >= drawn.count && held[drawn.count - 1] === drawn.last) {
      this.extendTrail(delivery, trail, drawn, held.slice(drawn.count));
    } else {
      this.showTrailPoints(delivery, held.map((p) => [p.lat, p.lon]));
    }
    const shown = this.trailsDrawn.get(this.layers.get(delivery.id).trail);
    Object.assign(shown, { count: held.length, last: held[held.length - 1] });
  }

  /** Adds positions at the end of a trail: to its last piece, and to new ones as each fills up. */
  extendTrail(delivery, trail, drawn, positions) {
    if (positions.length === 0) {
      return;
    }
    let tip = drawn.pieces[drawn.pieces.length - 1];
    let tipPoints = [...tip.getLatLngs()];
    for (const position of positions) {
      if (tipPoints.length >= TRAIL_PIECE_POINTS) {
        tip.setLatLngs(tipPoints);
        const from = tipPoints[tipPoints.length - 1];
        tipPoints = [from];
        tip = this.addTrailPiece(delivery, trail, tipPoints);
        drawn.pieces.push(tip);
      }
      tipPoints.push([position.lat, position.lon]);
    }
    tip.setLatLngs(tipPoints);
  }

  /** The trail drawn through exactly these points (a replay shows only the part driven so far). */
  showTrailPoints(delivery, latLngs) {
    const layers = this.layersOf(delivery);
    layers.trail ??= L.featureGroup().addTo(this.map);
    const pieces = this.trailsDrawn.get(layers.trail)?.pieces ?? [];
    const wanted = trailPieces(latLngs);
    wanted.forEach((points, i) => {
      if (i < pieces.length) {
        pieces[i].setLatLngs(points);
      } else {
        pieces.push(this.addTrailPiece(delivery, layers.trail, points));
      }
    });
    for (const extra of pieces.splice(wanted.length)) {
      layers.trail.removeLayer(extra);
    }
    this.trailsDrawn.set(layers.trail, { pieces, count: null, last: null });
  }

  addTrailPiece(delivery, trail, latLngs) {
    const piece = L.polyline(latLngs, {
      color: delivery.colour, weight: 5, opacity: 0.9, interactive: false, className: 'trail',
    });
    this.addNamed(piece, delivery, trail);
    return piece;
  }

  /**
   * Adds a shape to the map (or to the vehicles' cluster group), its element marked with the delivery it belongs to;
   * again whenever it is drawn anew (a vehicle leaving a cluster gets a new element).
   */
  addNamed(layer, delivery, target = this.map) {
    const mark = this.named(layer, delivery);
    layer.addTo(target);
    mark();
    return layer;
  }

  /** Marks the layer's element with its delivery whenever it is drawn; returns the marking, for one drawn already. */
  named(layer, delivery) {
    const mark = () => {
      const element = layer.getElement();
      if (element) {
        element.dataset.deliveryId = delivery.id;
      }
    };
    layer.on('add', mark);
    return mark;
  }

  /**
   * The route catalogue, drawn once: each route faint and its depot (first point) as a small square marker, so an
   * operator sees where deliveries go before any is on the road.
   */
  showRoutes(routes) {
    const depots = new Set();
    for (const route of routes) {
      if (!Array.isArray(route.points) || route.points.length === 0) {
        continue;
      }
      L.polyline(route.points.map((p) => [p.lat, p.lon]), {
        color: '#546e7a', weight: 3, opacity: 0.35, interactive: false, className: 'route-line',
      }).addTo(this.map);
      const depot = route.points[0];
      const key = `${depot.lat},${depot.lon}`;
      if (!depots.has(key)) {
        depots.add(key);
        L.marker([depot.lat, depot.lon], {
          icon: L.divIcon({ className: 'depot', iconSize: [14, 14] }), interactive: false, keyboard: false, pane: DEPOTS_PANE,
        }).addTo(this.map);
      }
    }
  }

  /**
   * Raises one delivery's vehicle (the followed or replayed one; null for none): out of the clusters, above the rest,
   * larger and ringed. The one raised before goes back among the others.
   */
  raise(deliveryId) {
    if (this.raisedId === deliveryId) {
      return;
    }
    // Vehicles waiting to be added or moved get there first, so the raised one leaves the clusters from where it is.
    this.flushVehicles();
    const before = this.layers.get(this.raisedId)?.vehicle;
    this.raisedId = deliveryId;
    if (before) {
      this.moveTo(before, this.vehicles);
      before.setStyle(PLAIN_STYLE);
    }
    const vehicle = this.layers.get(deliveryId)?.vehicle;
    if (vehicle) {
      this.moveTo(vehicle, this.map);
      vehicle.setStyle(RAISED_STYLE);
      vehicle.bringToFront();
    }
  }

  /** Takes a vehicle from wherever it is drawn (the map or the cluster group) to `target`. */
  moveTo(vehicle, target) {
    this.detach(vehicle);
    vehicle.addTo(target);
  }

  /** Takes a layer off the map, through the cluster group when it holds it (it alone knows where it drew it). */
  detach(layer, { soon = false } = {}) {
    this.vehiclesToMove.delete(layer);
    if (this.vehiclesToAdd.delete(layer)) {
      return;
    }
    if (this.vehicles !== this.map && this.vehicles.hasLayer(layer)) {
      if (soon) {
        this.vehiclesToRemove.add(layer);
        this.flushSoon();
      } else {
        this.vehicles.removeLayer(layer);
      }
    } else {
      this.map.removeLayer(layer);
    }
  }

  /** Takes everything drawn of one delivery off the map (a finished one, unless its trail is asked for). */
  hide(delivery) {
    const layers = this.layers.get(delivery.id);
    if (!layers) {
      return;
    }
    this.cancelAnimation(delivery);
    for (const layer of Object.values(layers)) {
      if (layer) {
        // A clustered vehicle leaves with the others of its frame (a fleet's deliveries arrive a dozen a second).
        this.detach(layer, { soon: true });
      }
    }
    this.layers.delete(delivery.id);
  }

  /** Gives the vehicle its marker, at `at`, if it has none yet; true when the marker was just made. */
  addMarkerIfMissing(delivery, at) {
    const layers = this.layersOf(delivery);
    if (layers.vehicle) {
      return false;
    }
    const raised = this.raisedId === delivery.id;
    const vehicle = L.circleMarker(at, {
      ...(raised ? RAISED_STYLE : PLAIN_STYLE), fillColor: delivery.colour, fillOpacity: 1, className: 'vehicle',
    });
    if (this.isClustered(delivery)) {
      this.named(vehicle, delivery);
      this.vehiclesToAdd.add(vehicle);
      this.flushSoon();
    } else {
      this.addNamed(vehicle, delivery, raised ? this.map : this.vehicles);
    }
    layers.vehicle = vehicle;
    vehicle.on('click', () => this.onVehicleClick?.(delivery.id));
    return true;
  }

  /** Whether the delivery's vehicle is drawn by the cluster group (all but the raised one, on a fleet's console). */
  isClustered(delivery) {
    return this.vehicles !== this.map && this.raisedId !== delivery.id;
  }

  /** Adds, moves and removes the clustered vehicles waiting for it, all at once (in the next frame at the latest). */
  flushVehicles() {
    this.flushQueued = false;
    if (this.vehiclesToAdd.size === 0 && this.vehiclesToMove.size === 0 && this.vehiclesToRemove.size === 0) {
      return;
    }
    const leaving = [...this.vehiclesToMove.keys(), ...this.vehiclesToRemove];
    let adding;
    if (leaving.length > this.layers.size / 2) {
      // Most of the fleet changed (a fleet batch): the group is emptied and filled again, which costs the plugin much
      // less than taking each vehicle out and back in. Emptied, it no longer listens to their moves.
      adding = this.vehicles.getLayers().filter((vehicle) => !this.vehiclesToRemove.has(vehicle));
      this.vehicles.clearLayers();
      for (const [vehicle, to] of this.vehiclesToMove) {
        vehicle.setLatLng(to);
      }
    } else {
      // Out of the group while they move, and back in all together. The group listens to its vehicles' moves to
      // re-cluster each one on its own, and its removeLayers leaves that listener on them: it is told to ignore these
      // moves, as the plugin does for its own (_ignoreMove, Leaflet.markercluster 1.4.1).
      if (leaving.length > 0) {
        this.vehicles.removeLayers(leaving);
      }
      this.vehicles._ignoreMove = true;
      try {
        for (const [vehicle, to] of this.vehiclesToMove) {
          vehicle.setLatLng(to);
        }
      } finally {
        this.vehicles._ignoreMove = false;
      }
      adding = [...this.vehiclesToMove.keys()];
    }
    adding.push(...this.vehiclesToAdd);
    this.vehiclesToMove.clear();
    this.vehiclesToAdd.clear();
    this.vehiclesToRemove.clear();
    if (adding.length > 0) {
      this.vehicles.addLayers(adding);
    }
  }

  flushSoon() {
    if (!this.flushQueued) {
      this.flushQueued = true;
      requestAnimationFrame(() => this.flushVehicles());
    }
  }

  /** Places the vehicle at the latest position, gliding there from where it is now. */
  moveVehicle(delivery, target, durationMs) {
    const to = L.latLng(target.lat, target.lon);
    if (this.addMarkerIfMissing(delivery, to)) {
      return;
    }
    if (this.glidingTo.get(delivery.id)?.equals(to)) {
      // Told again where it is going (the fleet feed repeats the followed delivery's latest position): it glides on.
      return;
    }
    this.cancelAnimation(delivery);
    // Start from the marker's current (possibly mid-glide) spot so a new position never makes it jump.
    const vehicle = this.layersOf(delivery).vehicle;
    const from = vehicle.getLatLng();
    // A clustered vehicle jumps: it moves once a fleet-feed interval, and each step would re-cluster it. It moves with
    // the others of its frame (flushVehicles), unless it is still waiting to be added.
    if (this.isClustered(delivery)) {
      if (this.vehiclesToAdd.has(vehicle)) {
        vehicle.setLatLng(to);
      } else if (from.equals(to)) {
        this.vehiclesToMove.delete(vehicle);
      } else {
        this.vehiclesToMove.set(vehicle, to);
        this.flushSoon();
      }
      return;
    }
    if (prefersReducedMotion.matches || durationMs <= 0 || from.equals(to)) {
      vehicle.setLatLng(to);
      return;
    }
    // Timed by the frames' own timestamps: the one clock requestAnimationFrame guarantees.
    let startedAt = null;
    const step = (now) => {
      startedAt ??= now;
      const t = Math.min(1, (now - startedAt) / durationMs);
      vehicle.setLatLng([from.lat + (to.lat - from.lat) * t, from.lng + (to.lng - from.lng) * t]);
      if (t < 1) {
        this.animations.set(delivery.id, requestAnimationFrame(step));
      } else {
        this.animations.delete(delivery.id);
        this.glidingTo.delete(delivery.id);
      }
    };
    this.animations.set(delivery.id, requestAnimationFrame(step));
    this.glidingTo.set(delivery.id, to);
  }

  /** Puts the vehicle exactly here at once (replay frames), stopping any glide in progress. */
  placeVehicle(delivery, lat, lon) {
    this.cancelAnimation(delivery);
    if (!this.addMarkerIfMissing(delivery, [lat, lon])) {
      this.vehiclesToMove.delete(this.layersOf(delivery).vehicle);
      this.layersOf(delivery).vehicle.setLatLng([lat, lon]);
    }
    const { vehicle } = this.layersOf(delivery);
    if (this.raisedId === delivery.id || this.vehicles === this.map) {
      vehicle.bringToFront();
    }
  }

  cancelAnimation(delivery) {
    this.glidingTo.delete(delivery.id);
    const frame = this.animations.get(delivery.id);
    if (frame !== undefined) {
      cancelAnimationFrame(frame);
      this.animations.delete(delivery.id);
    }
  }

  /** Keeps a followed vehicle in view; the pan takes as long as the marker's glide so they move together. */
  panTo(position, durationMs) {
    this.map.panTo([position.lat, position.lon], { animate: !prefersReducedMotion.matches, duration: durationMs / 1000 });
  }

  /**
   * Frames one delivery: its planned route when known, else its trail. bottomInset keeps it clear of
   * whatever covers the bottom of the map (the replay controls).
   */
  frame(delivery, { bottomInset = 0 } = {}) {
    const layers = this.layersOf(delivery);
    const shape = layers.plan ?? layers.trail;
    this.fit(shape ? shape.getBounds() : null, bottomInset);
  }

  /** Frames everything drawn of one delivery (planned route, trail, destination and vehicle) at once. */
  frameAll(delivery, { bottomInset = 0 } = {}) {
    const layers = this.layersOf(delivery);
    const bounds = L.latLngBounds([]);
    for (const line of [layers.plan, layers.trail]) {
      if (line && line.getBounds().isValid()) {
        bounds.extend(line.getBounds());
      }
    }
    for (const marker of [layers.destination, layers.vehicle]) {
      if (marker) {
        bounds.extend(marker.getLatLng());
      }
    }
    this.fit(bounds, bottomInset);
  }

  /** Whether this spot ({lat, lon}) is inside the part of the map on screen. */
  inView(position) {
    return this.map.getBounds().contains([position.lat, position.lon]);
  }

  fit(bounds, bottomInset) {
    if (bounds && bounds.isValid()) {
      // Never closer than street level: a vehicle at its very destination is a single point.
      this.map.fitBounds(bounds, { paddingTopLeft: [24, 24], paddingBottomRight: [24, 24 + bottomInset], maxZoom: MAX_FIT_ZOOM });
    }
  }
}

/** The plugin's own cluster icon (its size classes and count), made CLUSTER_ICON_PX square. */
function clusterIcon(cluster) {
  const icon = L.MarkerClusterGroup.prototype._defaultIconCreateFunction(cluster);
  icon.options.iconSize = L.point(CLUSTER_ICON_PX, CLUSTER_ICON_PX);
  return icon;
}

// Leaflet.markercluster hides and shows the markers it clusters through these, which it gives L.Marker only; the
// console's vehicles are circle markers (SVG paths). Their own opacities are kept for when they are shown again.
if (window.L?.CircleMarker && !L.CircleMarker.prototype.clusterHide) {
  L.CircleMarker.include({
    clusterHide() {
      this.clusterOpacities ??= { opacity: this.options.opacity, fillOpacity: this.options.fillOpacity };
      return this.setStyle({ opacity: 0, fillOpacity: 0 });
    },
    clusterShow() {
      const shown = this.clusterOpacities ?? {};
      this.clusterOpacities = null;
      return this.setStyle(shown);
    },
  });
}

/** Points of a line cut into TRAIL_PIECE_POINTS-long pieces, each beginning with the last point of the one before. */
function trailPieces(latLngs) {
  if (latLngs.length <= TRAIL_PIECE_POINTS) {
    return [latLngs];
  }
  const pieces = [];
  for (let start = 0; start < latLngs.length - 1; start += TRAIL_PIECE_POINTS - 1) {
    pieces.push(latLngs.slice(start, start + TRAIL_PIECE_POINTS));
  }
  return pieces;
}
