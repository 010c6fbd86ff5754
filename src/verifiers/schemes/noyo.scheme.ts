import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Noyo: `x-noyo-signature` lists hex(HMAC-SHA256(key, `${x-noyo-timestamp}.${raw body}`))
 * separated by commas; any one may match. The timestamp is ISO-8601 with
 * microseconds (`2024-05-08T21:27:45.039587+00:00`) and is signed verbatim.
 *
 * Noyo's docs set no tolerance; 5 minutes either way is enforced by default.
 * Their code splits the list without trimming, which fails on `"a, b"`; the
 * entries are trimmed here. The delivery id is the event's `event.id` in the
 * verified body, which a retry keeps.
 *
 * @see https://docs.noyo.com (Verifying webhooks)
 */
export const NOYO_SCHEME = {
  header: 'x-noyo-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  separator: ',',
  signedContent: '{timestamp}.{body}',
  timestamp: { header: 'x-noyo-timestamp', format: 'iso' },
  deliveryId: { json: ['event', 'id'] },
  // Noyo documents no retry policy: the 3-day default.
  replayRetentionSeconds: 3 * 24 * 60 * 60,
} as const satisfies HmacSchemeOptions;
