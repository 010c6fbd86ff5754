import { xChallengeResponseCheck } from '../handshakes.js';
import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * X (Twitter) webhooks, Account Activity and X Activity API:
 * `x-twitter-webhooks-signature: sha256=<base64>`, the HMAC-SHA256 of the raw
 * body keyed with the app's consumer secret (API Key Secret), not a bearer or
 * access token. No timestamp is signed.
 *
 * The `GET ?crc_token=…` challenge-response check is not a signed request and
 * is answered by the application with the same HMAC over the token.
 *
 * The event is named by the body's top-level key (`tweet_create_events`,
 * `direct_message_events`, …), so no single event type is read; replay
 * protection keys on the signed body.
 *
 * @see https://docs.x.com/x-api/webhooks/introduction
 */
export const X_SCHEME = {
  header: 'x-twitter-webhooks-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  prefix: 'sha256=',
  challenge: xChallengeResponseCheck,
  // Only JSON is delivered: a body the CRC reply could sign is refused.
  body: 'json',
} as const satisfies HmacSchemeOptions;
