import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Cashfree Payments: `x-webhook-signature` is the base64 HMAC-SHA256 of
 * `x-webhook-timestamp` followed by the raw body, with no separator, keyed
 * with the client secret (Developers → API Keys). The timestamp is in Unix
 * milliseconds. Cashfree documents no tolerance; the default window applies.
 *
 * @see https://www.cashfree.com/docs/payments/online/webhooks/signature-verification
 */
export const CASHFREE_SCHEME = {
  header: 'x-webhook-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  signedContent: '{timestamp}{body}',
  timestamp: { header: 'x-webhook-timestamp', format: 'unix-ms' },
} as const satisfies HmacSchemeOptions;
