import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/**
 * Noyo: `x-noyo-signature` lists hex(HMAC-SHA256(key, `${x-noyo-timestamp}.${raw body}`))
 * separated by commas; any one may match. The timestamp is ISO-8601 with
 * microseconds (`2024-05-08T21:27:45.039587+00:00`) and is signed verbatim.
 *
 * Noyo's docs set no tolerance; 5 minutes either way is enforced by default.
 * Their code splits the list without trimming, which fails on `"a, b"`; the
 * entries are trimmed here.
 *
 * @see https://docs.noyo.com (Verifying webhooks)
 */
export class NoyoVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super(
      {
        header: 'x-noyo-signature',
        algorithm: 'sha256',
        encoding: 'hex',
        separator: ',',
        signedContent: '{timestamp}.{body}',
        timestamp: { header: 'x-noyo-timestamp', format: 'iso' },
      },
      options,
    );
  }
}
