import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Coinbase Commerce: `X-CC-Webhook-Signature` is the hex HMAC-SHA256 of the
 * raw body, keyed with the shared webhook secret from Settings →
 * Notifications. No timestamp is signed; Coinbase retries with backoff for up
 * to three days.
 *
 * The delivery id is the body's `event.id`, which retries keep; the type is
 * `event.type` (`charge:confirmed`).
 *
 * @see https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security
 */
export const COINBASE_COMMERCE_SCHEME = {
  header: 'x-cc-webhook-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  deliveryId: { json: ['event', 'id'] },
  eventType: { json: ['event', 'type'] },
} as const satisfies HmacSchemeOptions;
