// The webhooks page (admins): lists the endpoints, adds one (URL, secret, event types), turns one off or on,
// deletes one, and shows what was sent to one. Same-origin JSON requests as on the users page; refusals are shown in
// the server's words; all text goes in through textContent.

import { apiErrorText } from './access.js';
import { callApi, startAdminPage } from './account.js';
import { element } from './dom.js';
import { attemptText, deliveryText, EVENT_TYPES, eventsText, newWebhookProblem } from './webhook-text.js';

const AT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const formatTime = (iso) => {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : AT.format(at);
};

const byId = (id) => document.getElementById(id);
const list = byId('webhooks');
const status = byId('webhooks-status');
const listError = byId('webhooks-error');

function report({ ok = null, problem = null }) {
  status.textContent = ok ?? '';
  listError.textContent = problem ?? '';
}

const webhookPath = (id) => `/api/webhooks/${encodeURIComponent(id)}`;
const isSuccess = (answer) => answer.status >= 200 && answer.status < 300;

function eventChoice(fieldset) {
  for (const type of EVENT_TYPES) {
    const label = element('label');
    const box = element('input');
    box.type = 'checkbox';
    box.name = 'event';
    box.value = type;
    label.append(box, type);
    fieldset.append(label);
  }
  return fieldset;
}

function metaText(webhook) {
  return `${eventsText(webhook.events)} · ${webhook.enabled ? 'on' : 'off'} · added ${formatTime(webhook.createdAt)}`;
}

/** One webhook's card: its URL, events and state; Disable/Enable, Deliveries, Delete. */
function webhookCard(webhook) {
  const item = element('li', 'user');
  item.dataset.id = webhook.id;
  const meta = element('p', 'user-meta', metaText(webhook));

  const toggle = element('button', 'toggle-webhook');
  toggle.type = 'button';
  // Every card has one: its name says which webhook, starting with the word on screen (what voice control users say).
  const showToggle = () => {
    toggle.textContent = webhook.enabled ? 'Disable' : 'Enable';
    toggle.setAttribute('aria-label', `${toggle.textContent} webhook ${webhook.url}`);
  };
  showToggle();
  toggle.addEventListener('click', async () => {
    const answer = await callApi('PATCH', webhookPath(webhook.id), { enabled: !webhook.enabled });
    if (isSuccess(answer) && answer.body) {
      Object.assign(webhook, answer.body);
      meta.textContent = metaText(webhook);
      showToggle();
      report({ ok: `Webhook ${webhook.url} turned ${webhook.enabled ? 'on' : 'off'}.` });
    } else {
      report({ problem: apiErrorText(answer.status, answer.body) });
    }
  });

  const show = element('button', 'show-deliveries', 'Deliveries');
  show.type = 'button';
  show.setAttribute('aria-label', `Deliveries to ${webhook.url}`);
  show.addEventListener('click', () => showDeliveries(webhook));

  const remove = element('button', 'danger delete-webhook', 'Delete');
  remove.type = 'button';
  remove.setAttribute('aria-label', `Delete webhook ${webhook.url}`);
  remove.addEventListener('click', async () => {
    if (!window.confirm(`Delete the webhook to ${webhook.url}? Nothing more is sent to it, not even what is pending.`)) {
      return;
    }
    const answer = await callApi('DELETE', webhookPath(webhook.id));
    if (isSuccess(answer)) {
      item.remove();
      report({ ok: `Webhook ${webhook.url} deleted.` });
      byId('webhooks-heading').focus();
    } else {
      report({ problem: apiErrorText(answer.status, answer.body) });
    }
  });

  const actions = element('div', 'user-row');
  actions.append(toggle, show, remove);
  item.append(element('h3', null, webhook.url), meta, actions);
  return item;
}

async function showDeliveries(webhook) {
  const section = byId('deliveries-section');
  const deliveries = byId('deliveries');
  byId('deliveries-heading').textContent = `Recent deliveries to ${webhook.url}`;
  const answer = await callApi('GET', `${webhookPath(webhook.id)}/deliveries`);
  if (answer.status !== 200 || !Array.isArray(answer.body)) {
    report({ problem: apiErrorText(answer.status, answer.body) });
    return;
  }
  deliveries.replaceChildren();
  for (const delivery of answer.body) {
    const item = element('li', 'user');
    item.append(element('h3', null, delivery.eventId), element('p', 'user-meta', deliveryText(delivery, formatTime)));
    const attempts = element('ol', 'attempts');
    for (const attempt of delivery.attempts ?? []) {
      attempts.append(element('li', null, attemptText(attempt, formatTime)));
    }
    item.append(attempts);
    deliveries.append(item);
  }
  section.hidden = false;
  byId('deliveries-heading').focus();
}

async function loadWebhooks() {
  const answer = await callApi('GET', '/api/webhooks');
  if (answer.status !== 200 || !Array.isArray(answer.body)) {
    list.dataset.empty = 'Webhooks could not be listed.';
    report({ problem: apiErrorText(answer.status, answer.body) });
    return;
  }
  list.dataset.empty = 'No webhooks.';
  list.replaceChildren(...answer.body.map(webhookCard));
}

function wireAddForm() {
  const form = byId('add-webhook');
  const url = byId('new-url');
  const secret = byId('new-secret');
  const events = eventChoice(byId('new-events'));
  const error = byId('add-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const webhook = {
      url: url.value.trim(),
      secret: secret.value,
      events: [...events.querySelectorAll('input[name="event"]:checked')].map((box) => box.value),
    };
    const problem = newWebhookProblem(webhook);
    if (problem) {
      error.textContent = problem;
      (newWebhookProblem({ url: webhook.url, secret: 'x'.repeat(64) }) ? url : secret).focus();
      return;
    }
    const answer = await callApi('POST', '/api/webhooks', webhook);
    if (!isSuccess(answer)) {
      error.textContent = apiErrorText(answer.status, answer.body);
      return;
    }
    error.textContent = '';
    form.reset();
    await loadWebhooks();
    report({ ok: `Webhook ${webhook.url} added.` });
    url.focus();
  });
}

async function main() {
  if (await startAdminPage('webhooks', list, (problem) => report({ problem }))) {
    wireAddForm();
    await loadWebhooks();
  }
}

main();
