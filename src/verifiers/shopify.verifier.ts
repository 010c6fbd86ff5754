import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/**
 * Shopify: `X-Shopify-Hmac-Sha256` is base64(HMAC-SHA256(secret, raw body)).
 * No timestamp. A rotated secret can take up to an hour to start signing, so
 * keep both secrets configured (`secret: [new, old]`) meanwhile.
 * Replay protection keys on the signed body, which Shopify's retries repeat,
 * not on `X-Shopify-Webhook-Id`, which the signature does not cover.
 *
 * @see https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify
 */
export class ShopifyVerifier extends HmacSchemeVerifier {
  /**
   * Shopify retries 8 times over 4 hours since September 10, 2024:
   * https://shopify.dev/changelog/updates-to-webhook-retry-mechanism. No signed timestamp: a
   * captured delivery replayed after this is handled again (raise `replay.ttlSeconds` to refuse it longer).
   */
  readonly replayRetentionSeconds = 4 * 60 * 60;
  constructor(options?: VerifierOptions) {
    super({ header: 'x-shopify-hmac-sha256', algorithm: 'sha256', encoding: 'base64' }, options);
  }
}
