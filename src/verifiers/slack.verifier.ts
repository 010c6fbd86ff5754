import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import { SLACK_SCHEME } from './schemes/slack.scheme.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/** Slack's scheme, {@link SLACK_SCHEME}, as a class. */
export class SlackVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super(SLACK_SCHEME, options);
  }
}
