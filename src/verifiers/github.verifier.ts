import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import { GITHUB_SCHEME } from './schemes/github.scheme.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/** GitHub's scheme, {@link GITHUB_SCHEME}, as a class. */
export class GitHubVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super(GITHUB_SCHEME, options);
  }
}
