import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Cashfree Payments: `x-webhook-signature` is the base64 HMAC-SHA256 of
 * `x-webhook-timestamp` followed by the raw body, with no separator, keyed
 * with the client secret (Developers → API Keys). The timestamp is in Unix
 * milliseconds. Cashfree documents no tolerance; the default window applies.
 *
 * The event type is the body's `type` (`PAYMENT_SUCCESS_WEBHOOK`). The
 * payload has no delivery id, so replay protection keys on the signed
 * content.
 *
 * @see https://www.cashfree.com/docs/payments/online/webhooks/signature-verification
 */
export const CASHFREE_SCHEME = {
  header: 'x-webhook-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  signedContent: '{timestamp}{body}',
  timestamp: { header: 'x-webhook-timestamp', format: 'unix-ms' },
  eventType: { json: ['type'] },
} as const satisfies HmacSchemeOptions;
