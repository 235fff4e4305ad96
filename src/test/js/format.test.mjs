// What the panel and the replay show, as text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDelivery, mergePositions } from '../../../webroot/deliveries.js';
import { cumulativeMetres } from '../../../webroot/distance.js';
import {
  deliveryItemText, describeBusError, formatClock, formatDuration, formatEta, formatKm, titleOf,
} from '../../../webroot/format.js';

const ID = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('formatEta', () => {
  test('rounds what is left for reading at a glance', () => {
    assert.match(formatEta(NOW + 500, NOW), /^ETA \d\d:\d\d:\d\d \(arriving\)$/);
    assert.match(formatEta(NOW + 12_400, NOW), /\(~12 s\)$/);
    assert.match(formatEta(NOW + 150_000, NOW), /\(~3 min\)$/);
  });

  test('an ETA already passed reads "arriving", never a negative time', () => {
    assert.match(formatEta(NOW - 30_000, NOW), /\(arriving\)$/);
  });

  test('the clock part is the ETA\'s own time of day, 24-hour', () => {
    assert.ok(formatEta(NOW + 90_000, NOW).startsWith(`ETA ${formatClock(NOW + 90_000)} `));
    assert.match(formatClock(NOW), /^\d\d:\d\d:\d\d$/);
  });
});

test('formatDuration: m:ss, never negative', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(9_999), '0:09');
  assert.equal(formatDuration(61_000), '1:01');
  assert.equal(formatDuration(725_000), '12:05');
  assert.equal(formatDuration(-5), '0:00');
});

test('formatKm: one decimal', () => {
  assert.equal(formatKm(0), '0.0 km');
  assert.equal(formatKm(1234), '1.2 km');
  assert.equal(formatKm(9960), '10.0 km');
});

test('titleOf: the route title, else the route id, else the start of the delivery id', () => {
  const delivery = createDelivery(ID, null, '#000');
  assert.equal(titleOf(delivery, null), 'delivery 3f2b8c1e');
  delivery.routeId = '7';
  assert.equal(titleOf(delivery, null), 'route 7');
  assert.equal(titleOf(delivery, { title: 'Asa Sul → Esplanada' }), 'Asa Sul → Esplanada');
});

describe('deliveryItemText', () => {
  const points = [{ lat: 0, lon: 0 }, { lat: 0, lon: 0.01 }, { lat: 0, lon: 0.02 }, { lat: 0, lon: 0.03 }];
  const route = { id: '1', title: 'Downtown', points, lengthMetres: 3000, cumulative: cumulativeMetres(points) };
  const at = (seq) => ({ seq, position: points[seq] });

  test('on the road: progress by latest seq, km left, ETA with its machine-readable time', () => {
    const delivery = createDelivery(ID, '1', '#000');
    mergePositions(delivery, [at(0), at(1)]);
    delivery.etaAt = NOW + 20_000;
    const text = deliveryItemText(delivery, route, NOW);
    assert.deepEqual(text.progress, { max: 4, value: 2 });
    assert.equal(text.remaining, '2.0 km left');
    assert.deepEqual(text.eta, { text: formatEta(NOW + 20_000, NOW), dateTime: '2024-05-01T12:00:20.000Z' });
    assert.equal(text.title, 'Downtown · 3f2b8c1e', 'two deliveries on one route are told apart');
    assert.equal(text.followLabel, 'Follow the delivery on Downtown · 3f2b8c1e with the map');
    assert.equal(text.copyLinkLabel, 'Copy link for the customer to the delivery on Downtown · 3f2b8c1e');
    assert.ok(text.copyLinkLabel.startsWith('Copy link'), 'the accessible name holds the visible text "Copy link"');
    assert.ok(text.shareLinkLabel.startsWith('Share'), 'the accessible name holds the visible text "Share"');
    assert.ok(text.renewLinkLabel.startsWith('New link'), 'the accessible name holds the visible text "New link"');
    assert.equal(text.linkTextLabel, 'Customer link to the delivery on Downtown · 3f2b8c1e');
    assert.equal(text.progressLabel, 'Progress of the delivery on Downtown · 3f2b8c1e');
  });

  test('arrived: full bar, "arrived", no ETA, and the item offers a replay', () => {
    const delivery = createDelivery(ID, '1', '#000');
    mergePositions(delivery, [at(0), at(2)]);
    delivery.finished = true;
    delivery.etaAt = NOW;
    const text = deliveryItemText(delivery, route, NOW);
    assert.deepEqual(text.progress, { max: 4, value: 4 }, 'finished means arrived, even with seq 1 still missing');
    assert.equal(text.remaining, 'arrived');
    assert.equal(text.eta, null);
    assert.equal(text.followLabel, 'Replay the delivery on Downtown · 3f2b8c1e');
  });

  test('an order is titled by its reference and customer, then its route; a cancelled one says so', () => {
    const delivery = createDelivery(ID, '1', '#000');
    delivery.reference = 'A-1042';
    delivery.customer = 'Ana Souza';
    assert.equal(deliveryItemText(delivery, route, NOW).title, 'A-1042 · Ana Souza · Downtown');
    delivery.finished = true;
    delivery.outcome = 'cancelled';
    assert.equal(deliveryItemText(delivery, route, NOW).remaining, 'cancelled');
  });

  test('a device\'s delivery shows the server\'s progress and distance, not its seqs (fix times) on the route', () => {
    const delivery = createDelivery(ID, '1', '#000');
    const T = Date.parse('2026-05-01T10:00:00Z');
    mergePositions(delivery, [{ seq: T, deviceId: 'phone-1', position: points[1], progress: 0.375, distanceRemainingMetres: 2450 }]);
    delivery.etaAt = NOW + 60_000;
    const text = deliveryItemText(delivery, route, NOW);
    assert.deepEqual(text.progress, { max: 1000, value: 375 });
    assert.equal(text.remaining, '2.5 km left');
    assert.equal(text.eta.dateTime, '2024-05-01T12:01:00.000Z');

    const withoutEstimate = createDelivery(ID, null, '#000');
    mergePositions(withoutEstimate, [{ seq: T, deviceId: 'phone-1', position: points[1] }]);
    assert.equal(deliveryItemText(withoutEstimate, null, NOW).progress, null, 'no figures yet: an indeterminate bar');
    withoutEstimate.finished = true;
    assert.deepEqual(deliveryItemText(withoutEstimate, null, NOW).progress, { max: 1000, value: 1000 });
  });

  test('route not known yet (a shared link): no bar value, nothing about distance', () => {
    const delivery = createDelivery(ID, null, '#000');
    const text = deliveryItemText(delivery, null, NOW);
    assert.equal(text.progress, null);
    assert.equal(text.remaining, '');
    assert.equal(text.eta, null);
    assert.equal(text.title, 'delivery 3f2b8c1e');
  });
});

test('describeBusError: words for the bridge\'s codes, the code itself otherwise', () => {
  assert.equal(describeBusError({ body: 'rejected' }), 'The server refused a request from this page.');
  assert.equal(describeBusError({ message: 'access_denied' }), 'The server refused a request from this page.');
  assert.equal(describeBusError({ failureType: 'max_handlers_reached' }),
    'Following too many deliveries at once; some will not update live.');
  assert.equal(describeBusError({ body: 'max_address_length_reached' }), 'The server refused an address that is too long.');
  assert.equal(describeBusError({ body: 'invalid_json' }), 'The server could not read a message from this page.');
  assert.equal(describeBusError({ body: 'boom' }), 'Server problem: boom');
  assert.equal(describeBusError(undefined), 'Server problem: unknown error');
  assert.equal(describeBusError({ body: { nested: true } }), 'Server problem: unknown error');
});
