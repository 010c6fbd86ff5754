import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import { NOYO_SCHEME } from './schemes/noyo.scheme.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/** Noyo's scheme, {@link NOYO_SCHEME}, as a class. */
export class NoyoVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super(NOYO_SCHEME, options);
  }
}
