// The users page (admins): lists the operator accounts, adds one, changes a user's roles or password, deletes one.
// Every change is a same-origin JSON request (the session cookie authorizes it, the browser's Origin header passes
// the server's CSRF check); refusals are shown in the server's words. All text goes in through textContent.

import { apiErrorText, newUserProblem, passwordProblem, ROLES } from './access.js';
import { callApi, startAdminPage } from './account.js';
import { element } from './dom.js';

const ROLE_HINTS = {
  admin: 'admin — users, devices, routes',
  dispatcher: 'dispatcher — starts and assigns deliveries',
  viewer: 'viewer — watches only',
};
const ADDED = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const byId = (id) => document.getElementById(id);
const list = byId('users');
const status = byId('users-status');
const listError = byId('users-error');
// Cards made so far: each card's password field gets an id of its own for its label.
let cardsMade = 0;

/** What happened, in the status line (good news) or the alert line (a refusal); the other line is cleared. */
function report({ ok = null, problem = null }) {
  status.textContent = ok ?? '';
  listError.textContent = problem ?? '';
}

/** Checkboxes for the roles, those in `checked` ticked; the fieldset's legend names whose they are. */
function roleChoice(fieldset, checked) {
  for (const role of ROLES) {
    const label = element('label');
    const box = element('input');
    box.type = 'checkbox';
    box.name = 'role';
    box.value = role;
    box.checked = checked.includes(role);
    label.append(box, ROLE_HINTS[role]);
    fieldset.append(label);
  }
  return fieldset;
}

const rolesTicked = (fieldset) => [...fieldset.querySelectorAll('input[name="role"]:checked')].map((box) => box.value);

function rolesText(roles) {
  return roles.length > 0 ? `Roles: ${roles.join(', ')}` : 'No role';
}

function addedText(createdAt) {
  const at = Date.parse(createdAt);
  return Number.isNaN(at) ? '' : ` · added ${ADDED.format(at)}`;
}

/** One user's card: name, roles and when added; roles to change, a new password to set, and Delete. */
function userCard(user) {
  const name = user.username;
  const roles = Array.isArray(user.roles) ? user.roles : [];
  const item = element('li', 'user');
  item.dataset.username = name;
  const meta = element('p', 'user-meta', rolesText(roles) + addedText(user.createdAt));

  const rolesBox = element('fieldset', 'role-choice');
  rolesBox.append(element('legend', null, `Roles of ${name}`));
  roleChoice(rolesBox, roles);
  const saveRoles = element('button', 'save-roles', 'Save roles');
  saveRoles.type = 'button';
  saveRoles.setAttribute('aria-label', `Save roles of ${name}`);
  saveRoles.addEventListener('click', async () => {
    const chosen = rolesTicked(rolesBox);
    const answer = await callApi('PUT', userPath(name), { roles: chosen });
    if (isSuccess(answer)) {
      meta.textContent = rolesText(Array.isArray(answer.body?.roles) ? answer.body.roles : chosen) + addedText(user.createdAt);
      report({ ok: `Roles of ${name} saved.` });
    } else {
      report({ problem: apiErrorText(answer.status, answer.body) });
    }
  });

  const passwordRow = element('div', 'user-row');
  cardsMade += 1;
  const passwordId = `password-of-${cardsMade}`;
  const passwordLabel = element('label', 'visually-hidden', `New password for ${name}`);
  passwordLabel.htmlFor = passwordId;
  const password = element('input');
  password.type = 'password';
  password.id = passwordId;
  password.autocomplete = 'new-password';
  password.placeholder = 'New password';
  const setPassword = element('button', 'set-password', 'Set password');
  setPassword.type = 'button';
  setPassword.setAttribute('aria-label', `Set password of ${name}`);
  setPassword.addEventListener('click', async () => {
    const problem = passwordProblem(password.value);
    if (problem) {
      report({ problem });
      password.focus();
      return;
    }
    const answer = await callApi('PUT', userPath(name), { password: password.value });
    if (isSuccess(answer)) {
      password.value = '';
      report({ ok: `New password of ${name} set.` });
    } else {
      report({ problem: apiErrorText(answer.status, answer.body) });
    }
  });
  passwordRow.append(passwordLabel, password, setPassword);

  const remove = element('button', 'danger delete-user', 'Delete');
  remove.type = 'button';
  remove.setAttribute('aria-label', `Delete user ${name}`);
  remove.addEventListener('click', async () => {
    if (!window.confirm(`Delete user ${name}? They will no longer be able to sign in.`)) {
      return;
    }
    const answer = await callApi('DELETE', userPath(name));
    if (isSuccess(answer)) {
      item.remove();
      report({ ok: `User ${name} deleted.` });
      // The button that had the focus is gone: the list's heading takes it, where the user can carry on.
      byId('users-heading').focus();
    } else {
      report({ problem: apiErrorText(answer.status, answer.body) });
    }
  });
  const actions = element('div', 'user-row');
  actions.append(saveRoles, remove);

  item.append(element('h3', null, name), meta, rolesBox, actions, passwordRow);
  return item;
}

const userPath = (name) => `/api/users/${encodeURIComponent(name)}`;
const isSuccess = (answer) => answer.status >= 200 && answer.status < 300;

async function loadUsers() {
  const answer = await callApi('GET', '/api/users');
  if (answer.status !== 200) {
    list.dataset.empty = 'Users could not be listed.';
    report({ problem: apiErrorText(answer.status, answer.body) });
    return;
  }
  const users = Array.isArray(answer.body) ? answer.body : answer.body?.items ?? [];
  list.dataset.empty = 'No users.';
  list.replaceChildren();
  for (const user of [...users].sort((a, b) => String(a.username).localeCompare(String(b.username)))) {
    list.append(userCard(user));
  }
}

function wireAddForm() {
  const form = byId('add-user');
  const username = byId('new-username');
  const password = byId('new-password');
  const roles = roleChoice(byId('new-roles'), ['viewer']);
  const error = byId('add-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = { username: username.value.trim(), password: password.value, roles: rolesTicked(roles) };
    const problem = newUserProblem(user);
    if (problem) {
      error.textContent = problem;
      (user.username === '' ? username : passwordProblem(user.password) ? password : roles.querySelector('input')).focus();
      return;
    }
    const answer = await callApi('POST', '/api/users', user);
    if (!isSuccess(answer)) {
      error.textContent = apiErrorText(answer.status, answer.body);
      return;
    }
    error.textContent = '';
    form.reset();
    for (const box of roles.querySelectorAll('input')) {
      box.checked = box.value === 'viewer';
    }
    await loadUsers();
    report({ ok: `User ${user.username} added.` });
    username.focus();
  });
}

async function main() {
  if (await startAdminPage('users', list, (problem) => report({ problem }))) {
    wireAddForm();
    await loadUsers();
  }
}

main();
