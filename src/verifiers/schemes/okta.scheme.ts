import { oktaVerification } from '../handshakes.js';
import type { TokenSchemeOptions } from '../token-scheme.verifier.js';

/**
 * Okta event hooks: the hook's authentication secret, sent as is in the
 * header named when the hook is registered (`authScheme.key`, which Okta's
 * examples and this scheme take as `Authorization`); nothing is signed. For
 * another header name, give the same description with that `header`. The
 * one-time `GET` verification request (`x-okta-verification-challenge`) is
 * the app's to answer. The delivery id is the body's `eventId`.
 *
 * @see https://developer.okta.com/docs/concepts/event-hooks/
 */
export const OKTA_SCHEME = {
  kind: 'token',
  header: 'authorization',
  deliveryId: { json: ['eventId'] },
  eventType: { json: ['eventType'] },
  challenge: oktaVerification,
} as const satisfies TokenSchemeOptions;
