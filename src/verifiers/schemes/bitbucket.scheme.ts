import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
 * body keyed with the secret set on the webhook (Repository settings →
 * Webhooks). Unlike GitHub's header of the same name, it is SHA-256. A
 * webhook saved without a secret is not signed. No timestamp is signed.
 *
 * The event type is `X-Event-Key` (`repo:push`), which is not signed. The
 * delivery id `X-Request-UUID` is not signed either, so replay protection
 * keys on the signed body.
 *
 * @see https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/
 */
export const BITBUCKET_SCHEME = {
  header: 'x-hub-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  eventType: { header: 'x-event-key' },
} as const satisfies HmacSchemeOptions;
