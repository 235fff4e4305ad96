// The console's notifications about delivery events (deliveries.events): only the deliveries this page follows,
// grouped by type within a short window ("12 delivered", "3 running late"), each pointing at its most recent
// delivery, dismissible, and never more than a few at once. Plain data and words; panel.js draws them.

/** How an operator reads each event type, after a count or a delivery's title: "3 running late". */
export const NOTIFICATION_WORDS = Object.freeze({
  started: 'started',
  arriving: 'arriving',
  delivered: 'delivered',
  cancelled: 'cancelled',
  late: 'running late',
  back_on_time: 'back on time',
  stalled: 'stalled',
  resumed: 'moving again',
  off_route: 'off route',
  back_on_route: 'back on route',
});

// Events of one type within this long of the group's first are counted in it.
export const GROUP_WINDOW_MS = 30_000;
// At most this many notifications on screen: a new one pushes the oldest out.
export const MAX_NOTIFICATIONS = 4;
// Event ids remembered to drop a repeat (a reconnect, a recomputation): the latest this many.
const REMEMBERED_IDS = 2000;

export function createNotifications({ windowMs = GROUP_WINDOW_MS, limit = MAX_NOTIFICATIONS } = {}) {
  return {
    windowMs,
    limit,
    groups: [], // newest first: {id, type, deliveryIds (most recent last), openedAt, updatedAt}
    seen: new Set(),
    nextId: 1,
  };
}

/**
 * Takes one event in at `now`: counted in the open group of its type (or a new group), if `follows(deliveryId)` and
 * its id is new. Returns the group it went into, or null when it is not news for this page.
 */
export function takeEvent(notifications, event, now, follows) {
  const { eventId, deliveryId, type } = event ?? {};
  if (typeof eventId !== 'string' || typeof deliveryId !== 'string' || !Object.hasOwn(NOTIFICATION_WORDS, type)
    || notifications.seen.has(eventId) || !follows(deliveryId)) {
    return null;
  }
  remember(notifications, eventId);
  const { groups } = notifications;
  let group = groups.find((g) => g.type === type && now - g.openedAt < notifications.windowMs);
  if (group) {
    groups.splice(groups.indexOf(group), 1);
  } else {
    group = { id: notifications.nextId++, type, deliveryIds: [], openedAt: now, updatedAt: now };
  }
  group.deliveryIds = [...group.deliveryIds.filter((id) => id !== deliveryId), deliveryId];
  group.updatedAt = now;
  groups.unshift(group);
  groups.length = Math.min(groups.length, notifications.limit);
  return group;
}

function remember(notifications, eventId) {
  const { seen } = notifications;
  seen.add(eventId);
  if (seen.size > REMEMBERED_IDS) {
    seen.delete(seen.values().next().value);
  }
}

/** The operator closed it. */
export function dismiss(notifications, groupId) {
  notifications.groups = notifications.groups.filter((group) => group.id !== groupId);
}

/** The delivery a click on the notification opens: its most recent one. */
export function latestDeliveryOf(group) {
  return group.deliveryIds[group.deliveryIds.length - 1];
}

/**
 * Its words: "Downtown loop delivered" for one delivery (titleOf(id) names it), "12 delivered" for several.
 */
export function notificationText(group, titleOf) {
  const words = NOTIFICATION_WORDS[group.type];
  const count = group.deliveryIds.length;
  return count === 1 ? `${titleOf(group.deliveryIds[0])} ${words}` : `${count} ${words}`;
}
