import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../verifiers/built-in-verifiers.js';
import type { SignInput } from '../verifiers/webhook-verifier.interface.js';

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
  const verifier = new BUILT_IN_VERIFIERS[provider]();
  if (!verifier.sign) throw new TypeError(`The '${provider}' scheme cannot sign.`);
  return verifier.sign(input);
}
