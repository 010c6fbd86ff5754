import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * WooCommerce: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw
 * body, keyed with the secret entered on the webhook (WooCommerce → Settings
 * → Advanced → Webhooks), as typed: WooCommerce decodes HTML entities in the
 * stored secret before signing. No timestamp is signed. A store can change
 * the hash with the `woocommerce_webhook_hash_algorithm` filter; this
 * description follows the default.
 *
 * `X-WC-Webhook-Topic` (`order.created`) and `X-WC-Webhook-Delivery-ID` are
 * not signed, and the body is the resource itself (an order, a product), so
 * neither an event type nor a delivery id is read; replay protection keys
 * on the signed body.
 *
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
 */
export const WOOCOMMERCE_SCHEME = {
  header: 'x-wc-webhook-signature',
  algorithm: 'sha256',
  encoding: 'base64',
} as const satisfies HmacSchemeOptions;
