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
export function signWebhook(provider: BuiltInScheme, input: SignInput): Record<string, string>;
/**
 * Serialises `input.event` once and signs it: returns the body to send and
 * the headers `provider` would send with it, including the event header of
 * schemes that carry the type in one (`X-GitHub-Event`, `X-Shopify-Topic`),
 * from `input.type`.
 *
 * @example
 * ```ts
 * const { body, headers } = signWebhook('github', { secret, type: 'issues', event: { action: 'opened', issue } });
 * ```
 */
export function signWebhook(provider: BuiltInScheme, input: SignEventInput): { body: string; headers: Record<string, string> };
export function signWebhook(provider: BuiltInScheme, input: SignInput | SignEventInput): Record<string, string> | { body: string; headers: Record<string, string> } {
  const verifier: WebhookVerifier = new BUILT_IN_VERIFIERS[provider]();
  if (!verifier.sign) {
    throw new TypeError(
      `'${provider}' is verified with keys fetched from the sender, so signWebhook cannot sign for it: ` +
        'test your handler with a custom verifier, or against a key server of your own through the keyOrigins option.',
    );
  }
  if (!('event' in input)) return verifier.sign(input);
  const { event, type, ...rest } = input;
  const body = JSON.stringify(event);
  return { body, headers: { ...verifier.sign({ ...rest, body }), ...eventHeaders(provider, type) } };
}

/** What a test signs as an event: the event object, serialised once, in place of a body. */
export interface SignEventInput extends Omit<SignInput, 'body'> {
  /** The event, sent as its JSON. */
  readonly event: object;
  /** The event type, for schemes that send it in a header: `issues` or `issues.opened` for GitHub, `orders/create` for Shopify. */
  readonly type?: string;
}

/** The header that names the event type, for the schemes that send one. */
function eventHeaders(provider: BuiltInScheme, type: string | undefined): Record<string, string> {
  if (type === undefined) return {};
  if (provider === 'github') return { 'x-github-event': type.split('.')[0]! };
  if (provider === 'shopify') return { 'x-shopify-topic': type };
  return {};
}
