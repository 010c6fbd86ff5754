import type { BuiltInScheme } from './verifiers/built-in-verifiers.js';
import type { WebhookVerifier } from './verifiers/webhook-verifier.interface.js';

/** How one webhook sender is verified. */
export interface WebhookProviderOptions {
  /**
   * The signing secret. An array holds several during a rotation: a request
   * that verifies with any one of them passes. `undefined` or an empty string
   * (an unset environment variable) fails at startup. Standard Webhooks and
   * Svix take `whsec_<base64>` secrets and `whpk_<base64>` Ed25519 public
   * keys, mixed freely; a malformed one fails at startup too.
   * @example process.env.FULLUP_WEBHOOK_SECRET
   * @example [process.env.NEW_SECRET, process.env.OLD_SECRET]
   */
  secret: string | readonly (string | undefined)[] | undefined;

  /**
   * The built-in scheme that verifies this provider, when the provider's name
   * is not the scheme's own (two Stripe accounts, say: `stripeConnect: { scheme: 'stripe', ... }`).
   * @default the provider's name
   */
  scheme?: BuiltInScheme;

  /** Your own verifier, for a scheme the library does not ship. Takes the place of `scheme`. */
  verifier?: WebhookVerifier;

  /**
   * Largest accepted distance between a signed timestamp and now, in seconds,
   * in the past or the future. Only schemes that sign a timestamp (Noyo,
   * Stripe, Slack, Standard Webhooks) use it.
   * @default 300
   */
  toleranceSeconds?: number;

  /**
   * The public origin the sender signs, for schemes that sign the URL
   * (SignalWire, Twilio). Overrides the module-wide `publicBaseUrl`.
   * @default the module's `publicBaseUrl`
   */
  publicBaseUrl?: string;
}

/** Options of `WebhookSecurityModule.forRoot()` and `forRootAsync()`. */
export interface WebhookSecurityModuleOptions {
  /**
   * The webhook senders, by the name `@VerifiedWebhook(name)` uses. A name
   * that is a built-in scheme (`trophy`, `fullup`, `noyo`, `signalwire`,
   * `stripe`, `github`, `slack`, `shopify`, `twilio`, `standardwebhooks`,
   * `svix`) uses that scheme.
   * @example { fullup: { secret: process.env.FULLUP_WEBHOOK_SECRET } }
   */
  providers: Record<string, WebhookProviderOptions>;

  /**
   * The public origin (and path prefix, if a proxy strips one) that senders
   * sign, for schemes that sign the URL. Set it when the app runs behind a
   * TLS-terminating proxy, where the request arrives as `http` on an inner
   * host while the sender signed `https://api.example.com/...`.
   * @default protocol and Host header of the request
   * @example 'https://api.example.com'
   */
  publicBaseUrl?: string;

  /**
   * Largest body, in bytes, that the guard reads itself when no body parser
   * has captured the raw bytes (content types other than JSON and form). A
   * larger body gets 413 and never reaches the handler.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;

  /**
   * The clock of timestamp checks, in epoch milliseconds. Tests set it to
   * check dated vectors.
   * @default Date.now
   */
  clock?: () => number;
}

/** One provider after validation: its verifier, secrets and URL base. */
export interface ResolvedWebhookProvider {
  readonly name: string;
  readonly verifier: WebhookVerifier;
  readonly secrets: readonly string[];
  readonly publicBaseUrl: string | undefined;
}

/** The module options after validation, with defaults filled in. */
export interface ResolvedWebhookSecurityOptions {
  readonly providers: ReadonlyMap<string, ResolvedWebhookProvider>;
  readonly maxBodyBytes: number;
}
