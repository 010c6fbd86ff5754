import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Recurly: `recurly-signature: <unix milliseconds>,<hex>[,<hex>]`, the first
 * entry the timestamp and each other a lowercase hex(HMAC-SHA256(endpoint
 * secret key, `${timestamp}.${raw body}`)). After a key is regenerated both
 * keys sign for 24 hours, hence several signatures. Only JSON webhooks are
 * signed (XML ones are not). The secret key is on the Webhook Endpoints page.
 * The event type is the body's `event_type`, the delivery id its `id`.
 *
 * @see https://docs.recurly.com/recurly-subscriptions/docs/signature-verification
 */
export const RECURLY_SCHEME = {
  header: 'recurly-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  separator: ',',
  signedContent: '{timestamp}.{body}',
  timestamp: { first: true, format: 'unix-ms' },
  deliveryId: { json: ['id'] },
  eventType: { json: ['event_type'] },
} as const satisfies HmacSchemeOptions;
