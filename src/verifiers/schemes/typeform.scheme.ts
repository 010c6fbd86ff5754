import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Typeform: `Typeform-Signature: sha256=<base64>`, the HMAC-SHA256 of the raw
 * body keyed with the secret set on the webhook (Connect → Webhooks → Edit,
 * or `secret` in the Webhooks API), written in base64, not hex. No timestamp
 * is signed.
 *
 * The delivery id is the body's `event_id`; the type is `event_type`
 * (`form_response`).
 *
 * @see https://www.typeform.com/developers/webhooks/secure-your-webhooks/
 */
export const TYPEFORM_SCHEME = {
  header: 'typeform-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  prefix: 'sha256=',
  deliveryId: { json: ['event_id'] },
  eventType: { json: ['event_type'] },
} as const satisfies HmacSchemeOptions;
