import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import { TROPHY_SCHEME } from './schemes/trophy.scheme.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/** Trophy's scheme, {@link TROPHY_SCHEME}, as a class. */
export class TrophyVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super(TROPHY_SCHEME, options);
  }
}
