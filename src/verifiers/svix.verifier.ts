import { StandardWebhooksVerifier } from './standard-webhooks.verifier.js';

/**
 * Svix: the Standard Webhooks scheme under `svix-id`, `svix-timestamp` and
 * `svix-signature`. It verifies exactly as {@link StandardWebhooksVerifier}
 * (either set of header names); only `sign` writes the `svix-*` names.
 *
 * @see https://docs.svix.com/receiving/verifying-payloads/how-manual
 */
export class SvixVerifier extends StandardWebhooksVerifier {
  protected override readonly headerPrefix = 'svix';
}
