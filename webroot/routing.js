// The page's address: #/deliveries/<id> opens one delivery (an operator's bookmark; customers get the delivery's
// tracking link instead, see tracking-link.js); anything else is the map.

import { isDeliveryId } from './deliveries.js';

const SHARE_LINK = /^#\/deliveries\/([^/]+)$/;

/**
 * What a location hash asks for: {view: 'map'} (no delivery named), {view: 'delivery', id}, or
 * {view: 'invalid'} for a delivery link whose id is not a delivery id (a mangled link).
 */
export function parseHash(hash) {
  const match = SHARE_LINK.exec(hash ?? '');
  if (!match) {
    return { view: 'map' };
  }
  let id;
  try {
    // Delivery ids are lower-case, as the server makes and checks them; a link whose case was changed on the way
    // (some chat apps and shorteners do) still names the same delivery.
    id = decodeURIComponent(match[1]).toLowerCase();
  } catch {
    return { view: 'invalid' };
  }
  return isDeliveryId(id) ? { view: 'delivery', id } : { view: 'invalid' };
}
