import { resolveOptions } from '../webhook-security.module.js';
import { RESOLVED_WEBHOOK_SECURITY_OPTIONS } from '../webhook-security.constants.js';
import { closestName } from '../utils/closest-name.js';
import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../verifiers/built-in-verifiers.js';
import { describedSchemeName, describedVerifier, type SchemeDescription } from '../verifiers/described-verifier.js';
import type { SignInput, WebhookVerifier } from '../verifiers/webhook-verifier.interface.js';
import type { ResolvedWebhookProvider, ResolvedWebhookSecurityOptions, WebhookSecurityModuleOptions } from '../webhook-security-options.interface.js';

/** What a Nest app or application context offers to look a provider up: `get`. */
export interface WebhookAppLike {
  get(token: string, options?: { strict?: boolean }): unknown;
}

/**
 * A provider as the app configures it, by its name in `forRoot({ providers })`:
 * looked up in a running app (its scheme, options and first secret), or in
 * the options given to `forRoot`.
 */
export type ConfiguredWebhookProvider =
  { readonly app: WebhookAppLike; readonly provider: string } | { readonly options: WebhookSecurityModuleOptions; readonly provider: string };

/** What signs: a built-in scheme's name, a scheme described as data, or a configured provider. */
export type WebhookSigner = BuiltInScheme | SchemeDescription | ConfiguredWebhookProvider;

/** What a test signs as an event: the event object, serialised once, in place of a body. */
export interface SignEventInput extends Omit<SignInput, 'body'> {
  /** The event, sent as its JSON. */
  readonly event: object;
  /** The event type, for schemes that send it in a header: `issues` or `issues.opened` for GitHub, `orders/create` for Shopify. */
  readonly type?: string;
}

/** {@link SignInput} for a configured provider: the secret defaults to the provider's own (the first of a rotation list). */
export type ProviderSignInput = Omit<SignInput, 'secret'> & { readonly secret?: string };

/** {@link SignEventInput} for a configured provider: the secret defaults to the provider's own. */
export type ProviderSignEventInput = Omit<SignEventInput, 'secret'> & { readonly secret?: string };

/**
 * Builds the headers `scheme` would send with `input.body`, for end-to-end
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
export function signWebhook(scheme: BuiltInScheme | SchemeDescription, input: SignInput): Record<string, string>;
/**
 * Serialises `input.event` once and signs it: returns the body to send and
 * the headers `scheme` would send with it, including the event header of
 * schemes that carry the type in one (`X-GitHub-Event`, `X-Shopify-Topic`),
 * from `input.type`.
 *
 * @example
 * ```ts
 * const { body, headers } = signWebhook('github', { secret, type: 'issues', event: { action: 'opened', issue } });
 * ```
 */
export function signWebhook(scheme: BuiltInScheme | SchemeDescription, input: SignEventInput): { body: string; headers: Record<string, string> };
/**
 * Signs as the provider the app configures under that name: with its scheme
 * (`stripeConnect: { scheme: 'stripe' }`), its options and clock, and its
 * secret unless `input.secret` is given. A rotation list signs with its first entry.
 *
 * @example
 * ```ts
 * const { body, headers } = signWebhook({ app, provider: 'stripeConnect' }, { event: { id: 'evt_1', type: 'invoice.paid' } });
 * ```
 */
export function signWebhook(provider: ConfiguredWebhookProvider, input: ProviderSignInput): Record<string, string>;
/** Serialises `input.event` once and signs it as the configured provider: the body to send, and its headers. */
export function signWebhook(provider: ConfiguredWebhookProvider, input: ProviderSignEventInput): { body: string; headers: Record<string, string> };
export function signWebhook(
  signer: WebhookSigner,
  input: ProviderSignInput | ProviderSignEventInput,
): Record<string, string> | { body: string; headers: Record<string, string> } {
  const { verifier, secret, scheme } = signingWith(signer, input.secret);
  if (!verifier.sign) {
    throw new TypeError(
      `'${scheme}' is verified with keys fetched from the sender, so signWebhook cannot sign for it: ` +
        'test your handler with a custom verifier, or against a key server of your own through the keyOrigins option.',
    );
  }
  if (!('event' in input)) return verifier.sign({ ...input, secret });
  const { event, type, ...rest } = input;
  const body = JSON.stringify(event);
  return { body, headers: { ...verifier.sign({ ...rest, secret, body }), ...eventHeaders(scheme, type) } };
}

/** The verifier that signs, the secret it signs with, and the scheme's name. */
function signingWith(signer: WebhookSigner, secret: string | undefined): { verifier: WebhookVerifier; secret: string; scheme: string } {
  if (typeof signer === 'string') return { verifier: new BUILT_IN_VERIFIERS[signer](), secret: secret!, scheme: signer };
  if (!('provider' in signer)) return { verifier: describedVerifier(signer), secret: secret!, scheme: 'custom' };
  const provider = configuredProvider(signer);
  const scheme = schemeName(provider);
  if (secret !== undefined) return { verifier: provider.verifier, secret, scheme };
  if (typeof provider.secrets === 'function') {
    throw new TypeError(
      `Webhook provider '${provider.name}' looks its secret up per request: pass the secret to sign with, ` +
        `e.g. signWebhook({ app, provider: '${provider.name}' }, { body, secret }).`,
    );
  }
  return { verifier: provider.verifier, secret: provider.secrets[0]!, scheme };
}

/** The provider the app or the options name. */
function configuredProvider(signer: ConfiguredWebhookProvider): ResolvedWebhookProvider {
  const resolved =
    'app' in signer ? (signer.app.get(RESOLVED_WEBHOOK_SECURITY_OPTIONS, { strict: false }) as ResolvedWebhookSecurityOptions) : resolveOptions(signer.options);
  const provider = resolved.providers.get(signer.provider);
  if (!provider) {
    const configured = [...resolved.providers.keys()];
    const suggestion = closestName(signer.provider, configured);
    throw new TypeError(
      `No webhook provider named '${signer.provider}' is configured${suggestion === undefined ? '' : `: did you mean '${suggestion}'?`} ` +
        `(configured: ${configured.map((name) => `'${name}'`).join(', ')}).`,
    );
  }
  return provider;
}

/** The built-in scheme a resolved provider's verifier implements, or the provider's name. */
function schemeName({ verifier, name }: ResolvedWebhookProvider): string {
  return describedSchemeName(verifier) ?? Object.entries(BUILT_IN_VERIFIERS).find(([, type]) => verifier.constructor === type)?.[0] ?? name;
}

/** The header that names the event type, for the schemes that send one. */
function eventHeaders(scheme: string, type: string | undefined): Record<string, string> {
  if (type === undefined) return {};
  if (scheme === 'github') return { 'x-github-event': type.split('.')[0]! };
  if (scheme === 'shopify') return { 'x-shopify-topic': type };
  return {};
}
