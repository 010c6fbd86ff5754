import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * GitHub: `X-Hub-Signature-256` is `sha256=` + lowercase hex(HMAC-SHA256(secret, raw body)).
 * No timestamp; the delivery id is in `X-GitHub-Delivery`, unsigned.
 * Replay protection therefore keys on the signed body, which GitHub's
 * redeliveries repeat, and not on that header, which a replayed request
 * could change at will.
 * The legacy SHA-1 `X-Hub-Signature` header is not read.
 *
 * The event type is `X-GitHub-Event` and the body's `action`, joined with `.`
 * (`issues.opened`, or `push` alone). The header is not signed.
 *
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export const GITHUB_SCHEME = {
  header: 'x-hub-signature-256',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  eventType: { header: 'x-github-event', json: ['action'] },
  // GitHub does not redeliver on its own (redeliveries are manual):
  // https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries.
  // With no timestamp either, the claim is the only defence against a replay: the 3-day default.
  replayRetentionSeconds: 3 * 24 * 60 * 60,
} as const satisfies HmacSchemeOptions;
