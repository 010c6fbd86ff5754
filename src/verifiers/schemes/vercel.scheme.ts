import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Vercel: `x-vercel-signature` is the hex HMAC-SHA1 of the raw body. Account
 * webhooks (Team Settings → Webhooks) are keyed with the secret shown once
 * when the webhook is created; integration webhooks with the integration's
 * Client Secret. No timestamp is signed.
 *
 * The delivery id is the body's `id`; the type is `type`
 * (`deployment.succeeded`).
 *
 * @see https://vercel.com/docs/webhooks
 */
export const VERCEL_SCHEME = {
  header: 'x-vercel-signature',
  algorithm: 'sha1',
  encoding: 'hex',
  deliveryId: { json: ['id'] },
  eventType: { json: ['type'] },
} as const satisfies HmacSchemeOptions;
