import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';
import { STRIPE_SIGNATURE } from './stripe.scheme.js';

/**
 * Calendly: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>`, v1 a
 * lowercase hex(HMAC-SHA256(webhook signing key, `${t}.${raw body}`)), as
 * Stripe signs. The signing key is the `signing_key` given when the webhook
 * subscription is created through the API. Calendly's example allows
 * 3 minutes; the configured tolerance applies, both ways. The event type is
 * the body's `event` (`invitee.created`).
 *
 * @see https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures
 */
export const CALENDLY_SCHEME = {
  ...STRIPE_SIGNATURE,
  header: 'calendly-webhook-signature',
  eventType: { json: ['event'] },
} as const satisfies HmacSchemeOptions;
