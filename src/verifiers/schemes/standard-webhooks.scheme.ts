import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Standard Webhooks `v1` as a description: `webhook-signature` lists
 * `v1,<base64>` entries separated by spaces, each base64(HMAC-SHA256(key,
 * `${webhook-id}.${webhook-timestamp}.${raw body}`)), the timestamp in Unix
 * seconds. The event type is the body's `type`.
 *
 * Not registered by itself: the `standardwebhooks` scheme
 * ({@link StandardWebhooksVerifier}) also reads `svix-*` headers and `v1a`
 * signatures. It is the base of senders whose keys are written another way
 * than `whsec_<base64>`: spread it and set `secretEncoding` and `secretPrefix`.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const STANDARD_WEBHOOKS_V1_SCHEME = {
  header: 'webhook-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  separator: ' ',
  prefix: 'v1,',
  signedContent: '{id}.{timestamp}.{body}',
  id: { header: 'webhook-id' },
  timestamp: { header: 'webhook-timestamp', format: 'unix' },
  eventType: { json: ['type'] },
} as const satisfies HmacSchemeOptions;
