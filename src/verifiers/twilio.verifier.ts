import { FormPostVerifier } from './form-post.verifier.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/**
 * Twilio: `X-Twilio-Signature` is base64(HMAC-SHA1(auth token, url + each form
 * parameter's name and value, names sorted)). A JSON body is signed through a
 * `bodySHA256` query parameter instead (see {@link FormPostVerifier}).
 *
 * The URL is the one Twilio called, query string included. Behind a
 * TLS-terminating proxy, set `publicBaseUrl` so it is rebuilt as Twilio saw it.
 *
 * @see https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
export class TwilioVerifier extends FormPostVerifier {
  /**
   * Twilio retries only when the URL asks (`#rc=`, connection overrides), within seconds:
   * https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides. With no timestamp,
   * the claim is the only defence against a replay: the 3-day default.
   */
  readonly replayRetentionSeconds = 3 * 24 * 60 * 60;
  // Twilio signs no timestamp, so the verifier options have nothing to set.
  constructor(_options?: VerifierOptions) {
    super('x-twilio-signature');
  }
}
