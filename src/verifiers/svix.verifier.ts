import { StandardWebhooksVerifier } from './standard-webhooks.verifier.js';

/**
 * Svix: the Standard Webhooks scheme under `svix-id`, `svix-timestamp` and
 * `svix-signature`. It verifies exactly as {@link StandardWebhooksVerifier}
 * (either set of header names); only `sign` writes the `svix-*` names.
 *
 * @see https://docs.svix.com/receiving/verifying-payloads/how-manual
 */
export class SvixVerifier extends StandardWebhooksVerifier {
  /**
   * Svix retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, 27 h 35 min in all:
   * https://docs.svix.com/retries.
   */
  override readonly replayRetentionSeconds = 28 * 60 * 60;
  protected override readonly headerPrefix = 'svix';
}
