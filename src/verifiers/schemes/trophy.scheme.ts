import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Trophy: `X-Trophy-Signature` is base64(HMAC-SHA256(secret, raw body)).
 * No timestamp; each webhook has its own secret.
 *
 * @see https://docs.trophy.so/webhooks/security
 */
export const TROPHY_SCHEME = {
  header: 'x-trophy-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  // Trophy retries 3 times with exponential backoff from 1 minute, each attempt timing out at 60 s
  // (https://docs.trophy.so/webhooks/security): about 11 minutes at a factor of 2. The factor is not documented: 1 hour.
  replayRetentionSeconds: 60 * 60,
} as const satisfies HmacSchemeOptions;
