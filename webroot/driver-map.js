// The driver page's small map: the destination and the phone's last fix. Leaflet is a classic script loaded
// before the page's modules (global L); without it (blocked, failed) the page shows the same as text only.

const OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
const CLOSE_ZOOM = 16;

export class DriverMap {
  constructor(container, tilesUrl) {
    this.map = null;
    this.destination = null;
    this.me = null;
    this.framed = null;
    if (typeof L === 'undefined') {
      container.hidden = true;
      return;
    }
    this.map = L.map(container, { zoomControl: false, attributionControl: Boolean(tilesUrl) });
    if (tilesUrl) {
      L.tileLayer(tilesUrl, { maxZoom: 19, attribution: OSM_ATTRIBUTION }).addTo(this.map);
    }
  }

  /** The destination pin, or none; the view frames it (and the phone) when the delivery changes. */
  showDestination(deliveryId, destination) {
    if (!this.map) {
      return;
    }
    if (!destination) {
      this.destination?.remove();
      this.destination = null;
      this.framed = null;
      return;
    }
    const at = [destination.lat, destination.lon];
    if (!this.destination) {
      this.destination = L.circleMarker(at, { radius: 12, color: '#b3261e', weight: 4, fillOpacity: 0.5, className: 'destination' }).addTo(this.map);
    }
    this.destination.setLatLng(at);
    if (this.framed !== deliveryId) {
      this.framed = deliveryId;
      this.frame();
    }
  }

  showMe(fix) {
    if (!this.map) {
      return;
    }
    const at = [fix.lat, fix.lon];
    if (!this.me) {
      this.me = L.circleMarker(at, { radius: 9, color: '#0b57d0', weight: 3, fillOpacity: 0.9, className: 'me' }).addTo(this.map);
      this.frame();
    }
    this.me.setLatLng(at);
  }

  /** The map was hidden while Leaflet measured it; measure again once it shows. */
  resize() {
    this.map?.invalidateSize();
    this.frame();
  }

  frame() {
    const points = [this.destination, this.me].filter(Boolean).map((marker) => marker.getLatLng());
    if (points.length === 1) {
      this.map.setView(points[0], CLOSE_ZOOM);
    } else if (points.length === 2) {
      this.map.fitBounds(L.latLngBounds(points), { padding: [32, 32], maxZoom: CLOSE_ZOOM });
    }
  }
}
