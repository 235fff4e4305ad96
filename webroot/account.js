// The signed-in user, as the console and the users page share it: the session cookie (HttpOnly, so never read
// here) goes with every same-origin fetch; a 401 anywhere means it is gone, and the page goes to sign-in. Both
// pages show who is signed in and a Sign out button in the same elements (#account…, #sign-out).
// Writes are same-origin fetches, so the browser's Origin header is what the server's CSRF check looks for.

import { controlsFor, describeRoles, signInAddress, SIGN_IN_PATH } from './access.js';

/**
 * One API call: {status, body, headers}; body is the parsed JSON or null, status 0 when the server could not be
 * reached. A 401 leaves the page for sign-in (and the caller sees the 401 too, to stop what it was doing).
 */
export async function callApi(method, url, body) {
  const init = { method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    return { status: 0, body: null, headers: new Headers() };
  }
  if (response.status === 401) {
    goToSignIn();
  }
  let json = null;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    json = await response.json().catch(() => null);
  }
  return { status: response.status, body: json, headers: response.headers };
}

/** Leaves for the sign-in page, which brings the user back to where they were (path, query and hash). */
export function goToSignIn() {
  const here = window.location;
  window.location.assign(signInAddress(here.pathname + here.search + here.hash));
}

/**
 * GET /api/session: {session: {username, roles, expiresAt} or null, status}. A 401 has already sent the page to
 * sign-in; any other failure is the caller's to show.
 */
export async function currentSession() {
  const answer = await callApi('GET', '/api/session');
  const session = answer.status === 200 && typeof answer.body?.username === 'string' ? answer.body : null;
  return { session, status: answer.status };
}

/**
 * DELETE /api/session, then the sign-in page. False (and the page stays) when the server did not confirm it: the
 * cookie may still be good, and the user must not believe they signed out.
 */
async function signOut() {
  const answer = await callApi('DELETE', '/api/session');
  if (answer.status === 204 || answer.status === 200) {
    window.location.assign(SIGN_IN_PATH);
    return true;
  }
  return answer.status === 401;
}

/**
 * Shows who is signed in, with their roles, the links to the users and webhooks pages for an admin (where the page has one) and
 * the Sign out button; onProblem gets the words when signing out was not confirmed (the page stays).
 */
export function showAccount(session, controls, onProblem) {
  document.getElementById('account-user').textContent = session.username;
  document.getElementById('account-roles').textContent = describeRoles(session.roles);
  // The administration pages, for an admin (where the page links them).
  for (const id of ['users-link', 'webhooks-link']) {
    const link = document.getElementById(id);
    if (link) {
      link.hidden = !controls.manageUsers;
    }
  }
  const button = document.getElementById('sign-out');
  button.addEventListener('click', async () => {
    if (!await signOut()) {
      onProblem('Signing out failed: the server did not answer. Try again.');
    }
  });
  document.getElementById('account').hidden = false;
}

/**
 * How an admin page (users, webhooks) starts: who is signed in shown, and true when they may manage `what`; else
 * false, with the page's list saying why (or the problem reported) and its #add-section hidden.
 */
export async function startAdminPage(what, list, onProblem) {
  const { session, status } = await currentSession();
  if (!session) {
    if (status !== 401) {
      onProblem('Could not tell who is signed in; reload the page to try again.');
    }
    return false;
  }
  const controls = controlsFor(session.roles);
  showAccount(session, controls, onProblem);
  if (!controls.manageUsers) {
    list.dataset.empty = `Only an admin can manage ${what}.`;
    document.getElementById('add-section').hidden = true;
    return false;
  }
  return true;
}
