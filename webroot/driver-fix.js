// The driver page's pure rules: which device a link or an input names, where fixes go, and how a browser
// GeolocationPosition becomes an OsmAnd fix. No DOM, no network: node --test runs them as they are.

import { metresBetween } from './distance.js';

const DRIVER_LINK = /^#\/devices\/([^/]+)$/;
// What a typed or linked unique id may be: what tracker apps show (IMEI digits, random numbers, names), and
// nothing that could leave its path segment in /api/devices/{uniqueId}: the server's rule (DeviceUniqueId).
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

// Traccar's OsmAnd decoder reads `speed` in knots: OsmAndProtocolDecoder does
// `position.setSpeed(convertSpeed(Double.parseDouble(value), "kn"))` (traccar/traccar,
// src/main/java/org/traccar/protocol/OsmAndProtocolDecoder.java), and the Traccar Client and OsmAnd apps send
// knots. The Geolocation API gives metres per second, so the page converts: 1 m/s = 3600 / 1852 kn.
export const KNOTS_PER_METRE_PER_SECOND = 3600 / 1852;

/** The trimmed id when it is one a device can have, else null. */
export function deviceIdFrom(text) {
  const id = String(text ?? '').trim();
  return DEVICE_ID.test(id) ? id : null;
}

/** The device a page address names (#/devices/<uniqueId>), or null. */
export function deviceIdFromHash(hash) {
  const match = DRIVER_LINK.exec(hash ?? '');
  if (!match) {
    return null;
  }
  try {
    return deviceIdFrom(decodeURIComponent(match[1]));
  } catch {
    return null;
  }
}

/** The fragment naming this device, for a link a dispatcher sends to a driver. */
export function driverLinkTo(deviceId) {
  return `#/devices/${encodeURIComponent(deviceId)}`;
}

/**
 * Where the page posts fixes: the configured public ingestion URL, else the page's own host on the ingestion
 * port (the port only differs, so a phone that reached the page reaches the ingestion role the same way).
 */
export function ingestUrlFrom(config, location) {
  const configured = typeof config?.ingestUrl === 'string' ? config.ingestUrl.trim() : '';
  if (configured) {
    return configured;
  }
  const port = Number.isInteger(config?.ingestPort) ? config.ingestPort : null;
  if (port === null) {
    return null;
  }
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  return `${location.protocol}//${host}:${port}/`;
}

const round = (value, digits) => Number(value.toFixed(digits));
const finite = (value) => typeof value === 'number' && Number.isFinite(value);

/**
 * One OsmAnd fix from a GeolocationPosition, or null when it has no usable coordinates. Optional readings the
 * browser does not have (speed and heading while standing, altitude on most laptops, battery outside Chromium)
 * are left out rather than sent as 0, so the server does not take them for measurements.
 *
 * @param {string} deviceId the device's unique id
 * @param {GeolocationPosition} position from watchPosition
 * @param {number|null} batteryLevel 0..1 from the Battery Status API, null when unknown
 * @param {number} now epoch ms, used only when the position carries no usable time
 */
export function fixFromPosition(deviceId, position, batteryLevel, now) {
  const coords = position?.coords;
  if (!coords || !finite(coords.latitude) || !finite(coords.longitude)
      || Math.abs(coords.latitude) > 90 || Math.abs(coords.longitude) > 180) {
    return null;
  }
  // Milliseconds, not seconds: two fixes within one second stay two positions (the fix time is their seq).
  const fix = {
    id: deviceId,
    lat: round(coords.latitude, 7),
    lon: round(coords.longitude, 7),
    timestamp: Math.round(finite(position.timestamp) && position.timestamp > 0 ? position.timestamp : now),
  };
  if (finite(coords.speed) && coords.speed >= 0) {
    fix.speed = round(coords.speed * KNOTS_PER_METRE_PER_SECOND, 2);
  }
  if (finite(coords.heading) && coords.heading >= 0) {
    fix.bearing = round(coords.heading % 360, 1);
  }
  if (finite(coords.altitude)) {
    fix.altitude = round(coords.altitude, 1);
  }
  if (finite(coords.accuracy) && coords.accuracy >= 0) {
    fix.accuracy = round(coords.accuracy, 1);
  }
  if (finite(batteryLevel) && batteryLevel >= 0 && batteryLevel <= 1) {
    fix.batt = Math.round(batteryLevel * 100);
  }
  return fix;
}

/** The fix as an application/x-www-form-urlencoded body, the OsmAnd protocol's POST form. */
export function osmAndForm(fix) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fix)) {
    form.append(name, String(value));
  }
  return form.toString();
}

/** "350 m away", "12.4 km away": from the last fix to the destination, for reading at a glance. */
export function distanceText(from, destination) {
  if (!from || !destination) {
    return '';
  }
  const metres = metresBetween(from, destination);
  return metres < 1000 ? `${Math.round(metres / 10) * 10} m away` : `${(metres / 1000).toFixed(1)} km away`;
}

/** What the driver reads when the browser gives no location, by GeolocationPositionError code. */
export function locationProblem(error) {
  switch (error?.code) {
    case 1:
      return {
        fatal: true,
        text: 'Location is blocked for this page. Allow location for this site in the browser settings, then press Start again.',
      };
    case 2:
      return { fatal: false, text: 'No location available right now (no GPS or network fix). Still trying…' };
    case 3:
      return { fatal: false, text: 'The location is taking long to arrive. Still trying…' };
    default:
      return { fatal: false, text: `Location error: ${error?.message || 'unknown'}. Still trying…` };
  }
}

/** Browsers may repeat a cached position or fire several a second; one fix a second at most is plenty. */
export const MIN_FIX_INTERVAL_MS = 1_000;

/** Whether a fix is worth queueing after the previous one: later by at least the interval. */
export function isNewFix(previous, fix, minIntervalMs = MIN_FIX_INTERVAL_MS) {
  return previous === null || fix.timestamp - previous.timestamp >= minIntervalMs;
}
