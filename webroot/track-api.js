// The customer page's side of a tracking link (/track/<token>): the token it carries, the reads it opens
// (GET /api/track/<token>, its /positions and its /events), and what the page says when the server refuses the link. (The
// operators' side, copying and sharing a link, is the console's.) fetch is passed in, so Node's test runner stands
// in for the server.

// The token is a JWT: three base64url parts joined by dots. Anything else in the path is not a link we made.
const TRACK_PATH = /^\/track\/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+){0,2})\/?$/;

/** The link's token from the page's path, or null when the path is not a tracking link (a mangled copy). */
export function tokenFromPath(pathname) {
  const match = TRACK_PATH.exec(pathname ?? '');
  return match ? match[1] : null;
}

/** The refusals the server gives a link, each said in one plain sentence; the page shows no map with them. */
export const LINK_MESSAGES = Object.freeze({
  invalid_link: 'This tracking link is not valid — please check that it was copied completely.',
  link_expired: 'This tracking link has expired, as links do some time after the delivery ends.',
  link_revoked: 'This tracking link has been withdrawn by the sender; please ask them for the current one.',
  unavailable: 'Your delivery cannot be shown right now; this page tries again by itself in a few seconds.',
});

/**
 * Why an answer refuses the link: 'invalid_link' (401: unknown or tampered), 'link_expired' or 'link_revoked'
 * (403), 'unavailable' for anything else that is not a 200 — the server or the network failing, or a delivery
 * not stored yet (404: a link opened the moment it was made) — which trying again may cure; null for a 200.
 */
export function problemOf({ status, body }) {
  if (status === 200) {
    return null;
  }
  const code = body?.error;
  if (status === 403 && (code === 'link_expired' || code === 'link_revoked')) {
    return code;
  }
  return status === 401 ? 'invalid_link' : 'unavailable';
}

/** True for a refusal no retry will change (the link itself is bad), false for 'unavailable'. */
export function isFinalProblem(problem) {
  return problem !== null && problem !== 'unavailable';
}

/**
 * One GET as {status, body}: the body parsed (null when it is not JSON), status 0 when the network gave no answer.
 * Unlike the console's reads, a 401 here is news about the link, not a reason to go and sign in.
 */
async function fetchAnswer(url) {
  let response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch {
    return { status: 0, body: null };
  }
  return { status: response.status, body: await response.json().catch(() => null) };
}

/**
 * The reads of one tracking link. Each answers {value} or {problem} (see problemOf).
 * @param {string} token the link's token, sent as the last path segment
 * @param {(url: string) => Promise<{status: number, body: any}>} fetchAnswerOf one GET (0 = no answer at all)
 */
export function createTrackApi(token, fetchAnswerOf = fetchAnswer) {
  const base = `/api/track/${encodeURIComponent(token)}`;
  const read = async (url, isValue) => {
    const answer = await fetchAnswerOf(url);
    const problem = problemOf(answer);
    if (problem !== null) {
      return { problem };
    }
    return isValue(answer.body) ? { value: answer.body } : { problem: 'unavailable' };
  };
  return {
    /** The delivery as GET /api/deliveries/{id} shows it, plus its planned route and the simulation's interval. */
    delivery: () => read(base, (body) => typeof body?.deliveryId === 'string'),

    /** The stored track from fromSeq on, in seq order. */
    positions: (fromSeq = 0) => read(`${base}/positions?fromSeq=${Math.max(0, fromSeq)}`, Array.isArray),

    /** The delivery's events so far, oldest first ({deliveryId, events: [...]}). */
    events: () => read(`${base}/events`, (body) => Array.isArray(body?.events)),

    /** The pages' settings (GET /api/config, open to all): the map's tile URL. */
    pageConfig: () => read('/api/config', (body) => typeof body === 'object' && body !== null),
  };
}
