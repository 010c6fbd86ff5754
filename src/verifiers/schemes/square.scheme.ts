import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Square: `x-square-hmacsha256-signature` is the base64 HMAC-SHA256 of the
 * notification URL followed by the raw body, keyed with the subscription's
 * signature key (Developer Console → Webhooks → your subscription).
 *
 * The URL must be exactly the one registered with Square, so behind a proxy
 * set `publicBaseUrl` to the public origin. No timestamp is signed.
 *
 * The delivery id is the body's `event_id`; the type is `type`
 * (`payment.updated`).
 *
 * @see https://developer.squareup.com/docs/webhooks/step3validate
 */
export const SQUARE_SCHEME = {
  header: 'x-square-hmacsha256-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  signedContent: '{url}{body}',
  // Only JSON is sent: the tail of the signed URL moved into the body is refused.
  body: 'json',
  deliveryId: { json: ['event_id'] },
  eventType: { json: ['type'] },
} as const satisfies HmacSchemeOptions;
