import type { TokenSchemeOptions } from '../token-scheme.verifier.js';

/**
 * Flutterwave: `verif-hash` carries the secret hash set on the dashboard's
 * Webhooks page as is; despite its name, nothing is hashed or signed. The
 * event type is the body's `event` (`charge.completed`).
 *
 * @see https://developer.flutterwave.com/docs/webhooks
 */
export const FLUTTERWAVE_SCHEME = {
  kind: 'token',
  header: 'verif-hash',
  eventType: { json: ['event'] },
} as const satisfies TokenSchemeOptions;
