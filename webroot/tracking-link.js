// A delivery's customer tracking link as operators hand it on: the server's `trackingUrl` (a path, /track/<token>)
// made absolute on this site, then copied to the clipboard or given to the phone's share sheet (Web Share API).
// Where a browser offers neither, the link is shown selected, for the user to copy.

/** The absolute link for a `trackingUrl` path on this site, or null for anything that is not such a path. */
export function absoluteTrackingUrl(trackingUrl, origin) {
  if (typeof trackingUrl !== 'string' || !trackingUrl.startsWith('/') || trackingUrl.startsWith('//')
      || trackingUrl.includes('\\')) {
    return null;
  }
  const url = new URL(trackingUrl, origin);
  return url.origin === new URL(origin).origin ? url.href : null;
}

/** What this browser can do with a link: write the clipboard, open a share sheet. */
export function linkAbilities(nav) {
  return {
    copy: typeof nav?.clipboard?.writeText === 'function',
    share: typeof nav?.share === 'function',
  };
}

/**
 * Copies the link: true once it is on the clipboard; false when the browser cannot or will not (no Clipboard API,
 * an insecure origin, a denied permission), and then the caller shows the link selected instead.
 */
export async function copyToClipboard(link, nav = globalThis.navigator) {
  if (!linkAbilities(nav).copy) {
    return false;
  }
  try {
    await nav.clipboard.writeText(link);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the share sheet: 'shared', 'cancelled' (the user closed the sheet: nothing to report) or 'failed'
 * (no share sheet here, or it refused the link).
 */
export async function shareLink(link, title, nav = globalThis.navigator) {
  if (!linkAbilities(nav).share) {
    return 'failed';
  }
  try {
    await nav.share({ title, url: link });
    return 'shared';
  } catch (err) {
    return err?.name === 'AbortError' ? 'cancelled' : 'failed';
  }
}
