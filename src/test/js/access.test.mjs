// Who may do what, as the pages decide it: where sign-in leads back to, controls per role, and the words shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiErrorText, controlsFor, describeRoles, newUserProblem, passwordProblem, providerFailureText,
  providerSignInAddress, retryAfterSeconds, safeNext, signInAddress, signInFailureText,
} from '../../../webroot/access.js';

test('after sign-in: back to a path on this site, with its query and hash', () => {
  assert.equal(safeNext('/'), '/');
  assert.equal(safeNext('/users'), '/users');
  assert.equal(safeNext('/#/deliveries/3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10'), '/#/deliveries/3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10');
  assert.equal(safeNext('/driver?device=phone-1'), '/driver?device=phone-1');
});

test('after sign-in: never to another site, whatever the link says', () => {
  for (const next of ['//evil.example/', '///evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example/',
    'javascript:alert(1)', 'evil.example', '/\t/evil.example', '/\n/evil.example', '', null, undefined, 42, ['/users']]) {
    assert.equal(safeNext(next), '/', String(next));
  }
});

test('after sign-in: not back to the sign-in page itself', () => {
  assert.equal(safeNext('/signin'), '/');
  assert.equal(safeNext('/signin?next=/users'), '/');
});

test('the sign-in address carries where the user was, encoded', () => {
  assert.equal(signInAddress('/'), '/signin?next=%2F', 'as the server\'s redirect names it');
  assert.equal(signInAddress('/users'), '/signin?next=%2Fusers');
  assert.equal(signInAddress('/#/deliveries/abc'), '/signin?next=%2F%23%2Fdeliveries%2Fabc');
  assert.equal(safeNext(new URL(signInAddress('/#/deliveries/abc'), 'http://h').searchParams.get('next')),
    '/#/deliveries/abc', 'what the sign-in page reads back is where the user was');
  assert.equal(signInAddress('//evil.example'), '/signin?next=%2F');
});

test('roles decide the controls: a viewer watches, a dispatcher starts, an admin also manages users', () => {
  assert.deepEqual({ ...controlsFor(['viewer']) }, { start: false, renewLinks: false, manageUsers: false });
  assert.deepEqual({ ...controlsFor(['dispatcher']) }, { start: true, renewLinks: true, manageUsers: false });
  assert.deepEqual({ ...controlsFor(['admin']) }, { start: true, renewLinks: true, manageUsers: true });
  assert.deepEqual({ ...controlsFor(['viewer', 'dispatcher']) }, { start: true, renewLinks: true, manageUsers: false });
  for (const roles of [[], null, undefined, 'admin', ['root']]) {
    assert.deepEqual({ ...controlsFor(roles) }, { start: false, renewLinks: false, manageUsers: false }, String(roles));
  }
});

test('roles are shown in a fixed order, unknown ones left out', () => {
  assert.equal(describeRoles(['viewer', 'admin']), 'admin, viewer');
  assert.equal(describeRoles(['root']), 'no role');
  assert.equal(describeRoles(undefined), 'no role');
});

test('one message for any wrong name or password: the page never tells whether a user exists', () => {
  assert.equal(signInFailureText(401), 'Wrong user name or password.');
  assert.equal(signInFailureText(400), 'Wrong user name or password.');
});

test('throttled: how long to wait, from Retry-After in seconds or as a date', () => {
  assert.equal(signInFailureText(429, '42'), 'Too many attempts; try again in 42 s.');
  const now = Date.parse('2026-12-01T10:00:00Z');
  assert.equal(retryAfterSeconds('Tue, 01 Dec 2026 10:00:30 GMT', now), 30);
  assert.equal(retryAfterSeconds('Tue, 01 Dec 2026 09:00:00 GMT', now), 1, 'a date already past still waits a second');
  assert.equal(retryAfterSeconds(null), 60);
  assert.equal(retryAfterSeconds('soon'), 60);
  assert.equal(retryAfterSeconds('0'), 1);
});

test('server trouble is not mistaken for a wrong password', () => {
  assert.equal(signInFailureText(0), 'The server could not be reached; try again in a moment.');
  assert.equal(signInFailureText(503), 'The server could not be reached; try again in a moment.');
  assert.equal(signInFailureText(403), 'Sign-in failed (HTTP 403); try again.');
});

test('a new user needs a name, a password of at least 10 characters and a role', () => {
  const ok = { username: 'dispatch-1', password: '0123456789', roles: ['dispatcher'] };
  assert.equal(newUserProblem(ok), null);
  assert.equal(newUserProblem({ ...ok, username: '  ' }), 'Enter a user name.');
  assert.equal(newUserProblem({ ...ok, password: '012345678' }), 'The password needs at least 10 characters.');
  assert.equal(newUserProblem({ ...ok, roles: [] }), 'Choose at least one role.');
  assert.equal(passwordProblem('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑'), null, 'characters, not UTF-16 units');
  assert.equal(passwordProblem(undefined), 'The password needs at least 10 characters.');
});

test('refusals are shown in the server\'s words when it gave some', () => {
  assert.equal(apiErrorText(409, { error: 'conflict', message: 'user dispatch-1 exists' }), 'User dispatch-1 exists.');
  assert.equal(apiErrorText(400, { message: 'password too short.' }), 'Password too short.');
  assert.equal(apiErrorText(403, { error: 'forbidden' }), 'Your roles do not allow this.');
  assert.equal(apiErrorText(500, null), 'The server refused this (HTTP 500).');
  assert.equal(apiErrorText(0, null), 'The server could not be reached; try again.');
});

test('signing in through the organisation\'s provider comes back to the same page, without its fragment', () => {
  assert.equal(providerSignInAddress('/driver'), '/api/session/oidc?next=%2Fdriver');
  assert.equal(providerSignInAddress('/#/deliveries/abc'), '/api/session/oidc?next=%2F', 'the provider cannot carry a #fragment');
  assert.equal(providerSignInAddress('//evil.example'), '/api/session/oidc?next=%2F');
  assert.equal(providerSignInAddress(null), '/api/session/oidc?next=%2F');
});

test('a refused provider sign-in is said plainly; a role missing here is told apart', () => {
  assert.equal(providerFailureText(null), null);
  assert.match(providerFailureText('sso_no_role'), /no role here yet/);
  assert.match(providerFailureText('sso_failed'), /did not work/);
  assert.match(providerFailureText('<script>'), /did not work/, 'an unknown code gets the general words, never echoed');
});
