import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Checkout.com: `Cko-Signature` is the hex HMAC-SHA256 of the raw body, keyed
 * with the signature key given in the workflow's webhook action. No
 * timestamp is signed; failed deliveries are resent up to eight times over
 * about 30 hours.
 *
 * The delivery id is the body's `id` (`evt_…`); the type is `type`
 * (`payment_approved`).
 *
 * @see https://www.checkout.com/docs/developer-resources/webhooks/manage-webhooks/set-up-your-webhook-receiver
 */
export const CHECKOUT_COM_SCHEME = {
  header: 'cko-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  deliveryId: { json: ['id'] },
  eventType: { json: ['type'] },
} as const satisfies HmacSchemeOptions;
