import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/**
 * Trophy: `X-Trophy-Signature` is base64(HMAC-SHA256(secret, raw body)).
 * No timestamp; each webhook has its own secret.
 *
 * @see https://docs.trophy.so/webhooks/security
 */
export class TrophyVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super({ header: 'x-trophy-signature', algorithm: 'sha256', encoding: 'base64' }, options);
  }
}
