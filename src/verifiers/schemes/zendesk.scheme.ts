import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Zendesk: `X-Zendesk-Webhook-Signature` is the base64 HMAC-SHA256 of
 * `X-Zendesk-Webhook-Signature-Timestamp` followed by the raw body, with no
 * separator, keyed with the webhook's signing secret (Admin Center → Apps and
 * integrations → Webhooks → your webhook → Signing secret). The timestamp is
 * ISO 8601 (`2021-07-25T10:00:00Z`). Zendesk documents no tolerance; the
 * default window applies.
 *
 * An earlier revision of that page wrote the formula as body then timestamp,
 * and its worked example (`tRDSF7…`) matches that order; the current page
 * signs the timestamp first, as this description does.
 *
 * Event-subscription webhooks carry `id` and `type`
 * (`zen:event-type:ticket.created`), read as the delivery id and event type;
 * a trigger or automation webhook's body is whatever it was set to send,
 * and without an `id` replay protection keys on the signed content.
 *
 * @see https://developer.zendesk.com/documentation/webhooks/verifying/
 */
export const ZENDESK_SCHEME = {
  header: 'x-zendesk-webhook-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  signedContent: '{timestamp}{body}',
  timestamp: { header: 'x-zendesk-webhook-signature-timestamp', format: 'iso' },
  deliveryId: { json: ['id'] },
  eventType: { json: ['type'] },
} as const satisfies HmacSchemeOptions;
