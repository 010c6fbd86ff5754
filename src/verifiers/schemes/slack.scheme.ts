import { slackUrlVerification } from '../handshakes.js';
import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Slack: `X-Slack-Signature` is `v0=` + lowercase hex(HMAC-SHA256(signing secret,
 * `v0:${X-Slack-Request-Timestamp}:${raw body}`)), the timestamp in Unix seconds.
 *
 * Slack's docs reject requests older than 5 minutes; requests more than
 * 5 minutes in the future are rejected too. The delivery id is the Events
 * API's `event_id` from the verified body, which Slack's retries (sent with
 * `X-Slack-Retry-Num`, re-signed) keep; slash commands and interactivity
 * carry none, so for them it is the signed timestamp and body. The event
 * type is the Events API's `event.type`.
 *
 * @see https://api.slack.com/authentication/verifying-requests-from-slack
 */
export const SLACK_SCHEME = {
  header: 'x-slack-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'v0=',
  signedContent: 'v0:{timestamp}:{body}',
  timestamp: { header: 'x-slack-request-timestamp', format: 'unix' },
  deliveryId: { json: ['event_id'] },
  eventType: { json: ['event', 'type'] },
  handshake: slackUrlVerification,
  // Slack retries an event 3 times: nearly at once, after 1 minute, after 5 minutes
  // (https://api.slack.com/apis/events-api#retries). 10 minutes covers that and is twice the 5-minute tolerance.
  replayRetentionSeconds: 10 * 60,
} as const satisfies HmacSchemeOptions;
