import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Fullup: `fullup-signature` is lowercase hex(HMAC-SHA256(secret, body)).
 *
 * Fullup's Node example hashes `JSON.stringify` of the parsed `req.body`; its Python example
 * hashes the raw body. Only the bytes Fullup sent can match in every case,
 * so those are what is verified.
 *
 * @see https://docs.getfullup.com/docs/webhooks/security
 */
export const FULLUP_SCHEME = {
  header: 'fullup-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  // Fullup documents no retry policy: the 3-day default.
  replayRetentionSeconds: 3 * 24 * 60 * 60,
} as const satisfies HmacSchemeOptions;
