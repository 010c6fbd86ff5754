import { zoomUrlValidation } from '../handshakes.js';
import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Zoom: `x-zm-signature: v0=<hex>`, the HMAC-SHA256 of
 * `v0:{x-zm-request-timestamp}:{raw body}`, the timestamp in Unix seconds,
 * keyed with the app's Secret Token (Marketplace → your app → Features →
 * Access). Zoom documents no tolerance; the default window applies.
 *
 * The `endpoint.url_validation` event is signed like the others, and
 * answered for the application (`{plainToken, encryptedToken}`) with the
 * secret that verified it.
 *
 * The event type is the body's `event` (`meeting.started`). `x-zm-trackingid`
 * is not signed, so replay protection keys on the signed content.
 *
 * @see https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events
 */
export const ZOOM_SCHEME = {
  header: 'x-zm-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'v0=',
  signedContent: 'v0:{timestamp}:{body}',
  timestamp: { header: 'x-zm-request-timestamp', format: 'unix' },
  eventType: { json: ['event'] },
  handshake: zoomUrlValidation,
} as const satisfies HmacSchemeOptions;
