import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Mollie next-gen webhooks: `X-Mollie-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of the raw body keyed with the webhook's signing secret
 * (Dashboard → Developers → Webhooks, or `webhookSecret` from the Webhooks
 * API). While a secret is rotated Mollie sends one header per secret for
 * 24 hours; Node joins them with `", "`, so the list is read comma-separated.
 * No timestamp is signed.
 *
 * Classic Mollie webhooks (`id=tr_…` form posts) carry no signature at all:
 * fetch the payment from the API instead. Mollie's SDKs also accept a bare
 * hex value without the `sha256=` prefix; this description requires it.
 *
 * The delivery id is the event's `id` (`event_…`); the type is `type`
 * (`payment-link.paid`).
 *
 * @see https://docs.mollie.com/reference/webhooks-new
 */
export const MOLLIE_SCHEME = {
  header: 'x-mollie-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  separator: ',',
  deliveryId: { json: ['id'] },
  eventType: { json: ['type'] },
} as const satisfies HmacSchemeOptions;
