import { twitchCallbackVerification } from '../handshakes.js';
import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Twitch EventSub (webhook transport): `Twitch-Eventsub-Message-Signature:
 * sha256=<hex>`, a lowercase hex(HMAC-SHA256(subscription secret,
 * message id + timestamp + raw body)), with no separators. The id is
 * `Twitch-Eventsub-Message-Id`, the timestamp `Twitch-Eventsub-Message-Timestamp`,
 * RFC 3339 with up to nine fraction digits. The secret is the one given when
 * the subscription was created.
 *
 * Twitch asks to reject messages older than 10 minutes; the default tolerance
 * is 5 minutes, so set `toleranceSeconds: 600` to match. The delivery id is
 * the message id, which retries keep; the event type is `subscription.type`.
 * The `webhook_callback_verification` challenge is a signed request too: the
 * handler answers it with the body's `challenge`.
 *
 * @see https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message
 */
export const TWITCH_SCHEME = {
  header: 'twitch-eventsub-message-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  signedContent: '{id}{timestamp}{body}',
  id: { header: 'twitch-eventsub-message-id' },
  timestamp: { header: 'twitch-eventsub-message-timestamp', format: 'iso' },
  eventType: { json: ['subscription', 'type'] },
  handshake: twitchCallbackVerification,
} as const satisfies HmacSchemeOptions;
