import { HmacSchemeVerifier, type HmacSchemeOptions } from './hmac-scheme.verifier.js';
import { TokenVerifier, type TokenSchemeOptions } from './token-scheme.verifier.js';
import type { VerifierOptions, WebhookVerifier } from './webhook-verifier.interface.js';

/** A scheme described by data: an HMAC signature, or a token sent as is. */
export type SchemeDescription = HmacSchemeOptions | TokenSchemeOptions;

/** A class whose instances verify one scheme, as `BUILT_IN_VERIFIERS` holds them. */
export type VerifierClass = new (options?: VerifierOptions) => WebhookVerifier;

/** True for a token or Basic description, told apart by its `kind`. */
export function isTokenScheme(scheme: SchemeDescription): scheme is TokenSchemeOptions {
  // Stryker disable next-line ConditionalExpression: `typeof scheme === 'object'` → true is equivalent: the module, the CLI and diagnoseWebhook pass an object or null.
  return typeof scheme === 'object' && scheme !== null && 'kind' in scheme;
}

/** The verifier of a description; a description with a mistake throws, naming the fix. */
export function describedVerifier(scheme: SchemeDescription, options?: VerifierOptions): WebhookVerifier {
  return isTokenScheme(scheme) ? new TokenVerifier(scheme, options) : new HmacSchemeVerifier(scheme, options);
}

/** The built-in scheme each verifier made by {@link describedVerifierClass} verifies, for logs and telemetry. */
const schemeNames = new WeakMap<WebhookVerifier, string>();

/** The name of the built-in scheme a described verifier was made for, or `undefined`. */
export function describedSchemeName(verifier: WebhookVerifier): string | undefined {
  return schemeNames.get(verifier);
}

/** A verifier class for a description, so that every built-in scheme is made the same way. */
export function describedVerifierClass(scheme: SchemeDescription, name: string): VerifierClass {
  return class DescribedVerifier {
    constructor(options?: VerifierOptions) {
      const verifier = describedVerifier(scheme, options);
      schemeNames.set(verifier, name);
      return verifier;
    }
  } as unknown as VerifierClass;
}
