import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Linear: `Linear-Signature` is the hex HMAC-SHA256 of the raw body, keyed
 * with the webhook's signing secret (Settings → API → Webhooks → your
 * webhook).
 *
 * Linear signs no timestamp header; the time of sending is `webhookTimestamp`
 * (Unix milliseconds) inside the signed body, and Linear's SDK rejects a
 * delivery more than 60 seconds off. This description does not read the
 * body for it: turn on replay protection, and check `webhookTimestamp` in the
 * handler where freshness matters.
 *
 * The event type is the body's `type` (`Issue`). `Linear-Delivery` is not
 * signed, so replay protection keys on the signed body.
 *
 * @see https://linear.app/developers/webhooks
 */
export const LINEAR_SCHEME = {
  header: 'linear-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  eventType: { json: ['type'] },
} as const satisfies HmacSchemeOptions;
