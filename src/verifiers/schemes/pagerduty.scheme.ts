import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * PagerDuty v3 webhooks: `X-PagerDuty-Signature` lists `v1=<hex>` entries,
 * comma-separated, each the HMAC-SHA256 of the raw body under one of the
 * subscription's signing secrets (returned once when the subscription is
 * created); several appear while a secret is rotated and any one may match.
 * No timestamp is signed.
 *
 * @see https://developer.pagerduty.com/docs/webhooks/04-Signatures
 */
export const PAGERDUTY_SCHEME = {
  header: 'x-pagerduty-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'v1=',
  separator: ',',
} as const satisfies HmacSchemeOptions;
