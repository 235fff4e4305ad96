// Who is signed in and what they may do, as the pages decide it: where sign-in leads back to, which controls a
// role gets, the words for a refused sign-in, and what a new user or password must satisfy. Pure functions: the
// server enforces every one of these rules itself; the pages only avoid offering what would be refused.

export const SIGN_IN_PATH = '/signin';
export const ROLES = Object.freeze(['admin', 'dispatcher', 'viewer']);
/** The server's minimum, checked here too so a short password is refused before it travels. */
export const MIN_PASSWORD_LENGTH = 10;

// Any host the URL parser sees in `next` is foreign; this one stands for "this site" while parsing.
const SAME_SITE = 'https://same-site.invalid';

/**
 * Where to go after signing in: `next` when it is a path on this site (starts with one '/', no scheme, no host,
 * no backslash that a browser would read as a '/'), else '/'. The sign-in page itself is no destination.
 */
export function safeNext(next) {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f]/.test(next)) {
    return '/';
  }
  let url;
  try {
    url = new URL(next, SAME_SITE);
  } catch {
    return '/';
  }
  if (url.origin !== SAME_SITE || url.pathname === SIGN_IN_PATH) {
    return '/';
  }
  return url.pathname + url.search + url.hash;
}

/** The sign-in page, asked to come back to this path (with its query and hash) afterwards, as the server asks it. */
export function signInAddress(pathAndHash) {
  return `${SIGN_IN_PATH}?next=${encodeURIComponent(safeNext(pathAndHash))}`;
}

/**
 * Signing in through the OpenID Connect provider (when the server offers one), coming back to `next` afterwards. The
 * server takes a path and query only: a #fragment cannot make the round trip through the provider.
 */
export function providerSignInAddress(next) {
  const path = safeNext(next).split('#')[0];
  return `/api/session/oidc?next=${encodeURIComponent(path)}`;
}

/** What the sign-in page says when the provider's sign-in came back refused (`?error=` of the server's redirect). */
export function providerFailureText(code) {
  switch (code) {
    case null:
    case undefined:
    case '':
      return null;
    case 'sso_no_role':
      return 'You signed in with your organisation\'s account, but it has no role here yet. Ask an admin for one.';
    default:
      return 'Signing in with your organisation\'s account did not work; try again, or use a user name and password.';
  }
}

/**
 * The console's controls a user with these roles is offered: starting deliveries and withdrawing a customer's link
 * for a new one (dispatcher, admin), managing users (admin). A viewer watches (and may copy a customer's link).
 */
export function controlsFor(roles) {
  const held = new Set(Array.isArray(roles) ? roles : []);
  const admin = held.has('admin');
  const dispatch = admin || held.has('dispatcher');
  return Object.freeze({ start: dispatch, renewLinks: dispatch, manageUsers: admin });
}

/** Roles as the page shows them next to the user name: "admin, dispatcher", in the order of ROLES. */
export function describeRoles(roles) {
  const held = new Set(Array.isArray(roles) ? roles : []);
  const known = ROLES.filter((role) => held.has(role));
  return known.length > 0 ? known.join(', ') : 'no role';
}

/**
 * Whole seconds until a retry is allowed, from a Retry-After header (delay-seconds or an HTTP date); at least 1,
 * and 60 when the header says nothing usable (the throttle counts failures per minute).
 */
export function retryAfterSeconds(header, now = Date.now()) {
  const value = (header ?? '').trim();
  if (/^\d+$/.test(value)) {
    return Math.max(1, Number(value));
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? 60 : Math.max(1, Math.ceil((at - now) / 1000));
}

/**
 * What the sign-in page says for an answer other than 200. One message for any wrong name or password, so the
 * page never tells whether a user exists.
 */
export function signInFailureText(status, retryAfter) {
  switch (status) {
    case 400:
    case 401:
      return 'Wrong user name or password.';
    case 429:
      return `Too many attempts; try again in ${retryAfterSeconds(retryAfter)} s.`;
    default:
      return status >= 500 || status === 0
        ? 'The server could not be reached; try again in a moment.'
        : `Sign-in failed (HTTP ${status}); try again.`;
  }
}

/** Why these details cannot make a new user, or null when they can (the server may still refuse, e.g. a taken name). */
export function newUserProblem({ username, password, roles }) {
  if (typeof username !== 'string' || username.trim() === '') {
    return 'Enter a user name.';
  }
  return passwordProblem(password) ?? (Array.isArray(roles) && roles.length > 0 ? null : 'Choose at least one role.');
}

/** Why a password is refused, or null. */
export function passwordProblem(password) {
  return typeof password === 'string' && [...password].length >= MIN_PASSWORD_LENGTH
    ? null : `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
}

/** The words for a refused API call: the server's JSON `message` when it sent one, else the status. */
export function apiErrorText(status, body) {
  const message = typeof body?.message === 'string' ? body.message.trim() : '';
  if (message) {
    return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? '' : '.');
  }
  if (status === 403) {
    return 'Your roles do not allow this.';
  }
  return status === 0 ? 'The server could not be reached; try again.' : `The server refused this (HTTP ${status}).`;
}
