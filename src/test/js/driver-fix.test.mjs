// The driver page's pure rules: device ids and links, the ingestion URL, GeolocationPosition → OsmAnd fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deviceIdFrom, deviceIdFromHash, distanceText, driverLinkTo, fixFromPosition, ingestUrlFrom, isNewFix, KNOTS_PER_METRE_PER_SECOND,
  locationProblem, osmAndForm,
} from '../../../webroot/driver-fix.js';

const NOW = 1_767_225_600_000;

function position(coords, timestamp = NOW - 2_000) {
  return {
    timestamp,
    coords: { latitude: -15.8259412345678, longitude: -47.9239187654321, accuracy: 4.25, altitude: null, altitudeAccuracy: null, heading: null, speed: null, ...coords },
  };
}

test('a fix carries id, coordinates and the position time in milliseconds; readings the browser lacks are left out', () => {
  assert.deepEqual(fixFromPosition('phone-1', position({}), null, NOW), {
    id: 'phone-1', lat: -15.8259412, lon: -47.9239188, timestamp: NOW - 2_000, accuracy: 4.3,
  });
});

test('speed goes out in knots as Traccar\'s OsmAnd decoder reads it; heading as bearing, altitude, battery in percent', () => {
  const fix = fixFromPosition('phone-1', position({ speed: 10, heading: 271.26, altitude: 1171.44 }), 0.834, NOW);
  assert.equal(fix.speed, 19.44, '10 m/s = 19.44 kn');
  assert.equal(KNOTS_PER_METRE_PER_SECOND * 1852 / 3600, 1);
  assert.equal(fix.bearing, 271.3);
  assert.equal(fix.altitude, 1171.4);
  assert.equal(fix.batt, 83);
});

test('a standing phone\'s NaN heading, a negative speed and an impossible battery level are not sent', () => {
  const fix = fixFromPosition('p', position({ speed: -1, heading: Number.NaN }), 7, NOW);
  assert.equal('speed' in fix, false);
  assert.equal('bearing' in fix, false);
  assert.equal('batt' in fix, false);
  assert.equal(fixFromPosition('p', position({ speed: 0 }), null, NOW).speed, 0, 'standing still is a measured 0');
});

test('a position without usable coordinates is no fix; one without a time takes the clock\'s', () => {
  for (const coords of [{ latitude: Number.NaN }, { longitude: null }, { latitude: 91 }, { longitude: -180.5 }]) {
    assert.equal(fixFromPosition('p', position(coords), null, NOW), null, JSON.stringify(coords));
  }
  assert.equal(fixFromPosition('p', null, null, NOW), null);
  assert.equal(fixFromPosition('p', position({}, null), null, NOW).timestamp, NOW);
});

test('the OsmAnd form body is URL-encoded name=value pairs', () => {
  const body = osmAndForm({ id: 'van 7&x', lat: -15.5, lon: -47.25, timestamp: NOW, speed: 19.44 });
  assert.equal(body, `id=van+7%26x&lat=-15.5&lon=-47.25&timestamp=${NOW}&speed=19.44`);
  assert.equal(new URLSearchParams(body).get('id'), 'van 7&x');
});

test('device ids: what tracker apps show is accepted, anything that could leave its path segment is not', () => {
  for (const id of ['123456789012345', 'van-7', 'driver.ana-fleet', 'A1:B2']) {
    assert.equal(deviceIdFrom(`  ${id} `), id);
  }
  for (const id of ['', '  ', 'a/b', '../x', 'with space', 'ana@fleet', 'x'.repeat(65), 'é', null, undefined]) {
    assert.equal(deviceIdFrom(id), null, String(id));
  }
});

test('a driver link names its device and parses back; other addresses name none', () => {
  assert.equal(driverLinkTo('van-7'), '#/devices/van-7');
  assert.equal(deviceIdFromHash(driverLinkTo('driver.ana-fleet')), 'driver.ana-fleet');
  for (const hash of ['', '#', '#/devices/', '#/devices/a/b', '#/devices/%E0%A4%A', '#/devices/a%2Fb', '#/deliveries/x', undefined]) {
    assert.equal(deviceIdFromHash(hash), null, String(hash));
  }
});

test('fixes go to the configured ingestion URL, else to the page\'s host on the ingestion port', () => {
  const page = { protocol: 'https:', hostname: 'track.example' };
  assert.equal(ingestUrlFrom({ ingestUrl: ' https://ingest.example/osmand ', ingestPort: 5055 }, page), 'https://ingest.example/osmand');
  assert.equal(ingestUrlFrom({ ingestUrl: '', ingestPort: 5055 }, page), 'https://track.example:5055/');
  assert.equal(ingestUrlFrom({ ingestUrl: '', ingestPort: 5055 }, { protocol: 'http:', hostname: '::1' }), 'http://[::1]:5055/');
  assert.equal(ingestUrlFrom(null, page), null, 'no settings, no guess');
});

test('distance to the destination reads in metres when close, in kilometres otherwise', () => {
  const destination = { lat: -15.8, lon: -47.9 };
  assert.equal(distanceText({ lat: -15.8, lon: -47.9 }, destination), '0 m away');
  assert.equal(distanceText({ lat: -15.803, lon: -47.9 }, destination), '330 m away');
  assert.equal(distanceText({ lat: -15.9, lon: -47.9 }, destination), '11.1 km away');
  assert.equal(distanceText(null, destination), '');
});

test('location problems: a refusal stops and says how to allow it; no fix and timeouts keep trying', () => {
  assert.equal(locationProblem({ code: 1 }).fatal, true);
  assert.match(locationProblem({ code: 1 }).text, /Allow location/);
  assert.equal(locationProblem({ code: 2 }).fatal, false);
  assert.match(locationProblem({ code: 3 }).text, /taking long/);
});

test('a repeated or too frequent position is not queued again', () => {
  assert.equal(isNewFix(null, { timestamp: 5 }), true);
  assert.equal(isNewFix({ timestamp: 5_000 }, { timestamp: 5_000 }), false, 'the same cached position');
  assert.equal(isNewFix({ timestamp: 5_000 }, { timestamp: 5_400 }), false);
  assert.equal(isNewFix({ timestamp: 5_000 }, { timestamp: 6_000 }), true);
  assert.equal(isNewFix({ timestamp: 5_000 }, { timestamp: 4_000 }), false, 'an older one');
});
