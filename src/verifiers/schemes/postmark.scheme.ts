import type { TokenSchemeOptions } from '../token-scheme.verifier.js';

/**
 * Postmark: HTTP Basic authentication, from credentials put in the webhook
 * URL (`https://user:password@example.com/webhooks/postmark`); nothing is
 * signed. Configure the secret as `user:password`. The event type is the
 * body's `RecordType` (`Delivery`, `Bounce`).
 *
 * @see https://postmarkapp.com/developer/webhooks/webhooks-overview#protecting-your-webhook
 */
export const POSTMARK_SCHEME = {
  kind: 'basic',
  eventType: { json: ['RecordType'] },
} as const satisfies TokenSchemeOptions;
