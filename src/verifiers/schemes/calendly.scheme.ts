import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

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
  header: 'calendly-webhook-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  separator: ',',
  prefix: 'v1=',
  signedContent: '{timestamp}.{body}',
  timestamp: { key: 't', format: 'unix' },
  eventType: { json: ['event'] },
} as const satisfies HmacSchemeOptions;
