import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../verifiers/built-in-verifiers.js';
import type { SignInput, WebhookVerifier } from '../verifiers/webhook-verifier.interface.js';

export type { SignInput } from '../verifiers/webhook-verifier.interface.js';

/**
 * Builds the headers `provider` would send with `input.body`, for end-to-end
 * tests of your own webhook controllers. Send exactly `input.body` with them.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ type: 'user.created' });
 * await request(app.getHttpServer())
 *   .post('/webhooks/fullup')
 *   .set(signWebhook('fullup', { secret: 'test-secret', body }))
 *   .set('content-type', 'application/json')
 *   .send(body)
 *   .expect(200);
 * ```
 */
export function signWebhook(provider: BuiltInScheme, input: SignInput): Record<string, string> {
  const verifier: WebhookVerifier = new BUILT_IN_VERIFIERS[provider]();
  if (!verifier.sign) {
    throw new TypeError(
      `'${provider}' is verified with keys fetched from the sender, so signWebhook cannot sign for it: ` +
        'test your handler with a custom verifier, or against a key server of your own through the keyOrigins option.',
    );
  }
  return verifier.sign(input);
}
