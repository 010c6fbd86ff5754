import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Paystack: `x-paystack-signature` is the hex HMAC-SHA512 of the raw body,
 * keyed with the account's secret key (`sk_live_…` or `sk_test_…`, Settings
 * → API Keys & Webhooks). No timestamp is signed.
 *
 * The event type is the body's `event` (`charge.success`). The payload has
 * no delivery id, so replay protection keys on the signed body.
 *
 * @see https://paystack.com/docs/payments/webhooks/
 */
export const PAYSTACK_SCHEME = {
  header: 'x-paystack-signature',
  algorithm: 'sha512',
  encoding: 'hex',
  eventType: { json: ['event'] },
} as const satisfies HmacSchemeOptions;
