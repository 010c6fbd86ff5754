import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Lemon Squeezy: `X-Signature` is the lowercase hex HMAC-SHA256 of the raw
 * body, keyed with the signing secret entered when the webhook was created
 * (any string, usually 6 to 40 characters). No timestamp is signed.
 *
 * The event name arrives both in `X-Event-Name` and as `meta.event_name` in
 * the signed body.
 *
 * The event type is read from the signed `meta.event_name` (`order_created`),
 * not the unsigned `X-Event-Name`. The payload carries no delivery id, so
 * replay protection keys on the signed body.
 *
 * @see https://docs.lemonsqueezy.com/help/webhooks/signing-requests
 */
export const LEMON_SQUEEZY_SCHEME = {
  header: 'x-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  eventType: { json: ['meta', 'event_name'] },
} as const satisfies HmacSchemeOptions;
