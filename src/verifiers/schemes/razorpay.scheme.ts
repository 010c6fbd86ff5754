import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Razorpay: `X-Razorpay-Signature` is the hex HMAC-SHA256 of the raw body,
 * keyed with the webhook secret set in Dashboard → Webhooks. It is not the
 * API key secret, which signs the different Checkout payment signature. No
 * timestamp is signed.
 *
 * The event type is the body's `event` (`payment.captured`). The delivery id
 * `x-razorpay-event-id` is not signed, so replay protection keys on the
 * signed body instead.
 *
 * @see https://razorpay.com/docs/webhooks/validate-test/
 */
export const RAZORPAY_SCHEME = {
  header: 'x-razorpay-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  eventType: { json: ['event'] },
} as const satisfies HmacSchemeOptions;
