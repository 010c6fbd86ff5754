import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * WooCommerce: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw
 * body, keyed with the secret entered on the webhook (WooCommerce → Settings
 * → Advanced → Webhooks), as typed: WooCommerce decodes HTML entities in the
 * stored secret before signing. No timestamp is signed. A store can change
 * the hash with the `woocommerce_webhook_hash_algorithm` filter; this
 * description follows the default.
 *
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
 */
export const WOOCOMMERCE_SCHEME = {
  header: 'x-wc-webhook-signature',
  algorithm: 'sha256',
  encoding: 'base64',
} as const satisfies HmacSchemeOptions;
