// The console's event notifications: only followed deliveries, grouped by type within a window, bounded, dismissible.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createNotifications, dismiss, latestDeliveryOf, MAX_NOTIFICATIONS, notificationText, takeEvent,
} from '../../../webroot/notifications.js';

const id = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const event = (n, type, seq = 1) => ({ eventId: `${id(n)}:${type}:${seq}`, deliveryId: id(n), type, at: '2026-12-01T14:00:00Z' });
const everyone = () => true;
const title = (deliveryId) => `route of ${deliveryId.slice(-2)}`;

describe('notifications', () => {
  test('one delivery is named; several of a type within the window are counted, the latest one opened by a click', () => {
    const notifications = createNotifications({ windowMs: 30_000 });
    const first = takeEvent(notifications, event(1, 'delivered'), 0, everyone);
    assert.equal(notificationText(first, title), 'route of 01 delivered');
    for (let n = 2; n <= 12; n++) {
      takeEvent(notifications, event(n, 'delivered'), n * 1000, everyone);
    }
    assert.equal(notifications.groups.length, 1);
    assert.equal(notificationText(notifications.groups[0], title), '12 delivered');
    assert.equal(latestDeliveryOf(notifications.groups[0]), id(12));
  });

  test('types are grouped apart, the newest group first', () => {
    const notifications = createNotifications();
    takeEvent(notifications, event(1, 'late'), 0, everyone);
    takeEvent(notifications, event(2, 'delivered'), 10, everyone);
    takeEvent(notifications, event(3, 'late'), 20, everyone);
    takeEvent(notifications, event(4, 'late'), 30, everyone);
    assert.deepEqual(notifications.groups.map((g) => notificationText(g, title)), ['3 running late', 'route of 02 delivered']);
  });

  test('after the window, the same type starts a new notification', () => {
    const notifications = createNotifications({ windowMs: 30_000 });
    takeEvent(notifications, event(1, 'delivered'), 0, everyone);
    takeEvent(notifications, event(2, 'delivered'), 31_000, everyone);
    assert.equal(notifications.groups.length, 2);
  });

  test('only deliveries this page follows, each event once', () => {
    const notifications = createNotifications();
    const followed = new Set([id(1)]);
    assert.equal(takeEvent(notifications, event(2, 'stalled'), 0, (d) => followed.has(d)), null);
    assert.notEqual(takeEvent(notifications, event(1, 'stalled'), 0, (d) => followed.has(d)), null);
    assert.equal(takeEvent(notifications, event(1, 'stalled'), 5, (d) => followed.has(d)), null);
    assert.equal(notificationText(notifications.groups[0], title), 'route of 01 stalled');
  });

  test('the same delivery twice in a group counts once', () => {
    const notifications = createNotifications();
    takeEvent(notifications, event(1, 'late', 1), 0, everyone);
    takeEvent(notifications, event(2, 'late', 1), 1, everyone);
    takeEvent(notifications, event(1, 'late', 9), 2, everyone);
    assert.equal(notificationText(notifications.groups[0], title), '2 running late');
    assert.equal(latestDeliveryOf(notifications.groups[0]), id(1));
  });

  test('never more than a few: the oldest goes; a dismissed one is gone', () => {
    const notifications = createNotifications();
    const types = ['started', 'arriving', 'delivered', 'cancelled', 'late', 'stalled'];
    types.forEach((type, n) => takeEvent(notifications, event(n, type), n, everyone));
    assert.equal(notifications.groups.length, MAX_NOTIFICATIONS);
    assert.deepEqual(notifications.groups.map((g) => g.type), ['stalled', 'late', 'cancelled', 'delivered']);
    dismiss(notifications, notifications.groups[1].id);
    assert.deepEqual(notifications.groups.map((g) => g.type), ['stalled', 'cancelled', 'delivered']);
  });

  test('unknown types and malformed events are not news', () => {
    const notifications = createNotifications();
    for (const bad of [null, {}, { eventId: 'x', deliveryId: id(1), type: 'teleported' }, { eventId: 1, deliveryId: id(1), type: 'late' }]) {
      assert.equal(takeEvent(notifications, bad, 0, everyone), null);
    }
  });
});
