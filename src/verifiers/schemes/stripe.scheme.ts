import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * The signature Stripe introduced and other senders copy:
 * `<header>: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each v1 a lowercase
 * hex(HMAC-SHA256(secret, `${t}.${raw body}`)).
 */
export const STRIPE_SIGNATURE = {
  header: 'stripe-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  separator: ',',
  prefix: 'v1=',
  signedContent: '{timestamp}.{body}',
  timestamp: { key: 't', format: 'unix' },
} as const satisfies HmacSchemeOptions;

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each v1 a
 * lowercase hex(HMAC-SHA256(endpoint secret, `${t}.${raw body}`)). The secret
 * `whsec_…` is used as text, not decoded. While a secret is being rolled,
 * Stripe sends one v1 per active secret; any one may match. Other schemes
 * (`v0=`, test-mode signatures) are ignored; a repeated `t` is malformed.
 *
 * The tolerance is 300 s, as in Stripe's libraries, and applies to the future
 * as well: stripe-node accepts any timestamp ahead of the clock. The delivery
 * id is the event's `id` (`evt_…`) from the verified body, which Stripe's
 * retries keep while re-signing; the event type is its `type`.
 *
 * @see https://docs.stripe.com/webhooks#verify-manually
 */
export const STRIPE_SCHEME = {
  ...STRIPE_SIGNATURE,
  deliveryId: { json: ['id'] },
  eventType: { json: ['type'] },
  // Stripe retries a live-mode delivery for up to 3 days with exponential backoff:
  // https://docs.stripe.com/webhooks#retries
  replayRetentionSeconds: 3 * 24 * 60 * 60,
} as const satisfies HmacSchemeOptions;
