import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import { FULLUP_SCHEME } from './schemes/fullup.scheme.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/** Fullup's scheme, {@link FULLUP_SCHEME}, as a class. */
export class FullupVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super(FULLUP_SCHEME, options);
  }
}
