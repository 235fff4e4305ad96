// The sign-in page: POST /api/session with the user name and password; the server answers with the session cookie
// (HttpOnly: this page never sees it) and the page goes where the user was headed (`next`, a path on this site).
// Every refusal gets one plain sentence in the alert line, and focus goes where the user can fix it. Where the server
// has an OpenID Connect provider, a link signs in there instead (and a refusal from there is said here on return).

import { providerFailureText, providerSignInAddress, safeNext, signInFailureText } from './access.js';

const form = document.getElementById('signin-form');
const username = document.getElementById('username');
const password = document.getElementById('password');
const error = document.getElementById('signin-error');
// One request at a time. The button is not disabled for it: a disabled button drops the keyboard focus.
let signingIn = false;

function showError(text, fieldToFix) {
  error.textContent = text;
  for (const field of [username, password]) {
    field.setAttribute('aria-invalid', String(field === fieldToFix));
    if (field === fieldToFix) {
      field.setAttribute('aria-describedby', error.id);
    } else {
      field.removeAttribute('aria-describedby');
    }
  }
  fieldToFix?.focus();
}

/**
 * Where the user was headed. The server's redirect to this page names the path only (it never sees a #fragment);
 * the browser carries the fragment over to this page's address, so it is added back here.
 */
function destination(here) {
  const next = safeNext(new URLSearchParams(here.search).get('next'));
  return next.includes('#') || !here.hash ? next : safeNext(next + here.hash);
}

async function signIn(event) {
  event.preventDefault();
  if (signingIn) {
    return;
  }
  if (username.value.trim() === '') {
    showError('Enter your user name.', username);
    return;
  }
  if (password.value === '') {
    showError('Enter your password.', password);
    return;
  }
  signingIn = true;
  // A message from the attempt before would mislead while this one is on its way (and is announced again if it recurs).
  error.textContent = '';
  form.setAttribute('aria-busy', 'true');
  let response = null;
  try {
    response = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: username.value.trim(), password: password.value }),
    });
  } catch {
    // Network failure: said below as status 0.
  }
  form.removeAttribute('aria-busy');
  if (response?.status === 200) {
    window.location.replace(destination(window.location));
    return;
  }
  signingIn = false;
  const status = response?.status ?? 0;
  const wrong = status === 400 || status === 401;
  if (wrong) {
    // A wrong password is the likelier slip: the name stays, the password is typed again.
    password.value = '';
  }
  // Throttled (429) or server trouble: nothing to fix in the fields; the alert line says what to do.
  showError(signInFailureText(status, response?.headers.get('retry-after')), wrong ? password : null);
}

/** The provider's sign-in, when the server offers one; a refused one it came back from is said in the alert line. */
async function offerProviderSignIn() {
  const refused = providerFailureText(new URLSearchParams(window.location.search).get('error'));
  if (refused) {
    showError(refused, null);
  }
  let config = null;
  try {
    const response = await fetch('/api/config', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    config = response.ok ? await response.json() : null;
  } catch {
    // No settings: the page offers the password form alone.
  }
  if (config?.oidc === true) {
    document.getElementById('provider-signin').href = providerSignInAddress(destination(window.location));
    document.getElementById('provider').hidden = false;
  }
}

form.addEventListener('submit', signIn);
offerProviderSignIn();
