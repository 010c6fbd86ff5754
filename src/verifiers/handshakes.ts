import { createHash, createHmac } from 'node:crypto';
import { jsonValue } from '../utils/delivery-id.js';
import { readHeader } from '../utils/headers.js';
import { safeEqual } from '../utils/signature.js';
import type { VerifierOptions, WebhookChallenge, WebhookHandshakeReply, WebhookRequest } from './webhook-verifier.interface.js';

/**
 * The handshakes senders use to check an endpoint before (and between)
 * deliveries, each answered exactly as its sender's docs require. Signed
 * handshakes are answered only after the request verified; unsigned GET
 * challenges are checked here against the configured secret or verify token.
 */

/** Longest challenge echoed back; senders send a few dozen characters. */
export const MAX_CHALLENGE_LENGTH = 1024;
/** X's CRC tokens: base64-like text that can never be a JSON delivery. */
const CRC_TOKEN = /^[A-Za-z0-9_=+/-]{1,256}$/;
/** Printable ASCII only: nothing echoed back can be markup in another encoding or split a header. */
const PRINTABLE = /^[\x20-\x7e]+$/;

const text = (body: string, headers?: Record<string, string>): WebhookHandshakeReply => ({
  status: 200,
  contentType: 'text/plain; charset=utf-8',
  body,
  headers,
});
const json = (body: unknown): WebhookHandshakeReply => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });

/** A challenge value that may be echoed: a printable string of a sane length. */
function echoable(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_CHALLENGE_LENGTH && PRINTABLE.test(value);
}

/**
 * Slack Events API: a verified `{"type":"url_verification","challenge":…}` is
 * answered with the challenge as plain text.
 * @see https://api.slack.com/events/url_verification
 */
export function slackUrlVerification(request: WebhookRequest): WebhookHandshakeReply | undefined {
  if (jsonValue(request.rawBody, ['type']) !== 'url_verification') return undefined;
  const challenge = jsonValue(request.rawBody, ['challenge']);
  return echoable(challenge) ? text(challenge) : undefined;
}

/**
 * Zoom: a verified `endpoint.url_validation` event is answered with
 * `{plainToken, encryptedToken}`, `encryptedToken` being hex(HMAC-SHA256(secret
 * token, plainToken)). Zoom repeats it every 72 hours.
 * @see https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint
 */
export function zoomUrlValidation(request: WebhookRequest, secrets: readonly string[]): WebhookHandshakeReply | undefined {
  if (jsonValue(request.rawBody, ['event']) !== 'endpoint.url_validation') return undefined;
  const plainToken = jsonValue(request.rawBody, ['payload', 'plainToken']);
  if (!echoable(plainToken) || secrets.length === 0) return undefined;
  // The secret that verified the request: with one configured, that one; during a rotation, the first.
  const encryptedToken = createHmac('sha256', secrets[0]!).update(plainToken).digest('hex');
  return json({ plainToken, encryptedToken });
}

/**
 * Twitch EventSub: a verified `webhook_callback_verification` message is
 * answered with its `challenge`, as plain text. It is recognised by its
 * signed body, a `challenge` and no `event`.
 * @see https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#responding-to-a-challenge-request
 */
export function twitchCallbackVerification(request: WebhookRequest): WebhookHandshakeReply | undefined {
  // Told apart by the signed body (a challenge, no event), not by the message-type header, which the signature does not cover.
  const challenge = jsonValue(request.rawBody, ['challenge']);
  if (!echoable(challenge) || jsonValue(request.rawBody, ['event']) !== undefined) return undefined;
  return text(challenge);
}

/**
 * Meta (Facebook, WhatsApp, Instagram): `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
 * is answered with the challenge when the verify token is the provider's
 * `verifyToken`, compared in constant time; without one (or with an empty
 * one), it is refused.
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
 */
export function metaSubscription(
  { query }: WebhookChallenge,
  _secrets: readonly string[],
  { verifyToken }: VerifierOptions,
): WebhookHandshakeReply | false | undefined {
  if (query.get('hub.mode') !== 'subscribe') return undefined;
  const token = query.get('hub.verify_token');
  const challenge = query.get('hub.challenge');
  if (token === null || !verifyToken || !safeEqual(Buffer.from(token), Buffer.from(verifyToken)) || !echoable(challenge)) return false;
  return text(challenge);
}

/**
 * X (Twitter) Account Activity: `GET ?crc_token=…` is answered with
 * `{"response_token":"sha256=" + base64(HMAC-SHA256(consumer secret, crc_token))}`.
 * X repeats it hourly. The reply is the HMAC deliveries are signed with, over
 * text anyone may send: so only a token of X's own kind (letters, digits and
 * `-_=+/`) is answered, and X deliveries, JSON objects, can never be one.
 * @see https://docs.x.com/x-api/webhooks/introduction#challenge-response-check
 */
export function xChallengeResponseCheck({ query }: WebhookChallenge, secrets: readonly string[]): WebhookHandshakeReply | false | undefined {
  const token = query.get('crc_token');
  if (token === null) return undefined;
  if (!CRC_TOKEN.test(token) || secrets.length === 0) return false;
  return json({ response_token: `sha256=${createHmac('sha256', secrets[0]!).update(token).digest('base64')}` });
}

/**
 * Dropbox: `GET ?challenge=…` is echoed as plain text with
 * `X-Content-Type-Options: nosniff`. Dropbox signs nothing on this request,
 * so nothing can be checked: the reply only proves the endpoint is reachable.
 * @see https://www.dropbox.com/developers/reference/webhooks#documentation
 */
export function dropboxChallenge({ query }: WebhookChallenge): WebhookHandshakeReply | false | undefined {
  const challenge = query.get('challenge');
  if (challenge === null) return undefined;
  return echoable(challenge) ? text(challenge, { 'x-content-type-options': 'nosniff' }) : false;
}

/**
 * Okta event hooks: a GET with `x-okta-verification-challenge` is answered
 * `{"verification": <the header's value>}`, once the `Authorization` header
 * holds the configured secret, as on every delivery.
 * @see https://developer.okta.com/docs/concepts/event-hooks/#one-time-verification-request
 */
export function oktaVerification({ headers }: WebhookChallenge, secrets: readonly string[]): WebhookHandshakeReply | false | undefined {
  const challenge = readHeader(headers, 'x-okta-verification-challenge');
  if (challenge === undefined) return undefined;
  const header = readHeader(headers, 'authorization');
  if (header === undefined) return false;
  // Both sides hashed, so that the comparison takes as long whatever the lengths.
  const authorization = sha256(header);
  let authorized = false;
  for (const secret of secrets) authorized = safeEqual(authorization, sha256(secret)) || authorized;
  return authorized && echoable(challenge) ? json({ verification: challenge }) : false;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
