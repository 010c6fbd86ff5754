import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Shopify: base64(HMAC-SHA256(secret, raw body)) in `X-Shopify-Hmac-Sha256`,
 * or in `Shopify-Hmac-Sha256`, the only header Shopify Events send (and the
 * one Shopify's library reads first). Either verifies; signing writes the
 * `X-` name, which every other Shopify webhook carries. No timestamp. A rotated secret can take up to an hour to
 * start signing, so keep both secrets configured (`secret: [new, old]`)
 * meanwhile.
 *
 * Replay protection keys on the signed body, which Shopify's retries repeat,
 * not on `X-Shopify-Webhook-Id`, which the signature does not cover. The
 * event type is `X-Shopify-Topic` (`orders/create`), or `Shopify-Topic` for
 * Events, also unsigned.
 *
 * @see https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify
 */
export const SHOPIFY_SCHEME = {
  header: ['x-shopify-hmac-sha256', 'shopify-hmac-sha256'],
  algorithm: 'sha256',
  encoding: 'base64',
  eventType: { header: ['x-shopify-topic', 'shopify-topic'] },
  // Shopify retries 8 times over 4 hours since September 10, 2024:
  // https://shopify.dev/changelog/updates-to-webhook-retry-mechanism. No signed timestamp: a
  // captured delivery replayed after this is handled again (raise `replay.ttlSeconds` to refuse it longer).
  replayRetentionSeconds: 4 * 60 * 60,
} as const satisfies HmacSchemeOptions;
