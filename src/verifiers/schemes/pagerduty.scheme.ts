import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * PagerDuty (V3 webhooks): `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, each
 * a lowercase hex(HMAC-SHA256(subscription secret, raw body)); while a secret
 * is being rotated there is one per secret. No timestamp. The secret is shown
 * once, when the webhook subscription is created. The delivery id is the
 * event's `event.id`, the type its `event.event_type` (`incident.triggered`).
 *
 * @see https://developer.pagerduty.com/docs/28e906a0bd3b8-verifying-signatures
 */
export const PAGERDUTY_SCHEME = {
  header: 'x-pagerduty-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  separator: ',',
  prefix: 'v1=',
  deliveryId: { json: ['event', 'id'] },
  eventType: { json: ['event', 'event_type'] },
} as const satisfies HmacSchemeOptions;
