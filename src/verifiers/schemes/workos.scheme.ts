import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';
import { STRIPE_SIGNATURE } from './stripe.scheme.js';

/**
 * WorkOS: `WorkOS-Signature: t=<unix milliseconds>, v1=<hex>`, v1 a lowercase
 * hex(HMAC-SHA256(webhook secret, `${t}.${raw body}`)); note the timestamp in
 * milliseconds. The secret is on the webhook endpoint in the WorkOS
 * dashboard. `@workos-inc/node` allows 180 s into the past and any future
 * time; the configured tolerance applies here, both ways. It also hashes
 * `JSON.stringify` of the parsed payload; the bytes received are verified
 * here. The delivery id is the event's `id`, the type its `event`.
 *
 * @see https://workos.com/docs/events/data-syncing/webhooks/3-process-the-events/b-validate-the-requests-manually
 */
export const WORKOS_SCHEME = {
  ...STRIPE_SIGNATURE,
  header: 'workos-signature',
  timestamp: { key: 't', format: 'unix-ms' },
  deliveryId: { json: ['id'] },
  eventType: { json: ['event'] },
} as const satisfies HmacSchemeOptions;
