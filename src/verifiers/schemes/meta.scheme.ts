import { metaSubscription } from '../handshakes.js';
import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Meta (Facebook, WhatsApp Cloud API, Instagram): `X-Hub-Signature-256:
 * sha256=<hex>`, the HMAC-SHA256 of the raw body keyed with the App Secret
 * (App Dashboard → App settings → Basic). No timestamp is signed.
 *
 * Meta escapes non-ASCII characters in the payload it signs (`\u00e4`), so a
 * body re-serialised by a JSON parser never matches: only the bytes received
 * do. The `GET ?hub.mode=subscribe&hub.challenge=…` subscription handshake is
 * not a signed request and is answered by the application.
 *
 * The event type is the body's `object` (`page`, `whatsapp_business_account`,
 * `instagram`). The payload has no delivery id, so replay protection keys on
 * the signed body.
 *
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads
 */
export const META_SCHEME = {
  header: 'x-hub-signature-256',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  eventType: { json: ['object'] },
  challenge: metaSubscription,
} as const satisfies HmacSchemeOptions;
