import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix seconds>;h1=<hex>`, h1 a
 * lowercase hex(HMAC-SHA256(endpoint secret key, `${ts}:${raw body}`)). While
 * a secret key is being rotated the header lists one `h1` per active key; any
 * one may match. The secret key (`pdl_ntfset_…`) is on the notification
 * destination in Paddle's dashboard, and is used as text.
 *
 * `@paddle/paddle-node-sdk` allows 5 seconds, and any future time; the
 * tolerance here is the configured one, both ways. The delivery id is the
 * body's `notification_id`, which Paddle's retries keep; the event type is
 * `event_type` (`transaction.completed`).
 *
 * @see https://developer.paddle.com/webhooks/signature-verification
 */
export const PADDLE_SCHEME = {
  header: 'paddle-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  separator: ';',
  prefix: 'h1=',
  signedContent: '{timestamp}:{body}',
  timestamp: { key: 'ts', format: 'unix' },
  deliveryId: { json: ['notification_id'] },
  eventType: { json: ['event_type'] },
} as const satisfies HmacSchemeOptions;
