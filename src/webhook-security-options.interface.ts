import type { Type } from '@nestjs/common';
import type { ResolvedWebhookEventsOptions, WebhookEventsOptions } from './events/webhook-events-options.interface.js';
import type { ReplayOptions, ResolvedReplayOptions } from './replay/replay-options.interface.js';
import type { ReplayStore } from './replay/replay-store.interface.js';
import type { BuiltInScheme } from './verifiers/built-in-verifiers.js';
import type { SchemeDescription } from './verifiers/described-verifier.js';
import type { VerificationFailureReason, WebhookVerifier } from './verifiers/webhook-verifier.interface.js';
import type { WebhookSecretFunction, WebhookSecretResolver } from './webhook-secret-resolver.interface.js';

/** How one webhook sender is verified. */
export interface WebhookProviderOptions {
  /**
   * The signing secret:
   * - a string;
   * - an array, during a rotation: a request that verifies with any one passes;
   * - a function of the request's params and headers, for per-tenant secrets;
   * - an injectable class implementing {@link WebhookSecretResolver}, for
   *   lookups that need your own providers.
   *
   * A static secret that is `undefined`, empty or only whitespace (an unset
   * environment variable) fails at startup; so does such an entry of a
   * rotation list, named by its index (`secret[1] is undefined`). A function or resolver that returns nothing
   * for a request makes that request fail with 401.
   *
   * Standard Webhooks and Svix take `whsec_<base64>` secrets and
   * `whpk_<base64>` Ed25519 public keys, mixed freely, each with its prefix;
   * a bare base64 key or a malformed static one fails at startup too.
   * @example process.env.FULLUP_WEBHOOK_SECRET
   * @example [process.env.NEW_SECRET, process.env.OLD_SECRET]
   * @example ({ params }) => tenantSecrets.get(params.tenantId)
   */
  secret: string | readonly (string | undefined)[] | undefined | WebhookSecretFunction | Type<WebhookSecretResolver>;

  /**
   * How this provider signs:
   * - the name of a built-in scheme, when the provider's own name is not one
   *   (two Stripe accounts: `stripeConnect: { scheme: 'stripe', ... }`);
   * - or a scheme described as data (an HMAC signature, or a token or Basic
   *   credentials sent as is), for a sender the library does not ship.
   * @default the provider's name
   * @example { header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }
   */
  scheme?: BuiltInScheme | SchemeDescription;

  /**
   * Your own verifier, for a scheme that needs code: an instance, or an
   * injectable class (resolved from your providers, or created). Takes the
   * place of `scheme`.
   */
  verifier?: WebhookVerifier | Type<WebhookVerifier>;

  /**
   * Largest accepted distance between a signed timestamp and now, in seconds,
   * in the past or the future. Only schemes that sign a timestamp (Noyo,
   * Stripe, Slack, Standard Webhooks) use it.
   * @default 300
   */
  toleranceSeconds?: number;

  /**
   * For schemes that fetch the sender's keys (PayPal, Plaid): further
   * origins keys may come from, such as a local key server in tests. The
   * sender's own hosts are always allowed; leave it unset in production.
   * Each entry is an origin as `new URL(...).origin` writes it (no path, no
   * trailing slash), checked at startup.
   * @example ['http://127.0.0.1:4010']
   */
  keyOrigins?: readonly string[];

  /**
   * For schemes that fetch a certificate (PayPal): the certificate
   * authorities (PEM) it must chain to, in place of the root certificates
   * bundled with Node, such as a test authority of your own with
   * `keyOrigins`. Leave it unset in production.
   * @default Node's `tls.rootCertificates`
   */
  certificateAuthorities?: readonly string[];

  /**
   * The verify token you chose for senders that check an endpoint with one
   * before deliveries start (Meta's `hub.verify_token`). Without it, such a
   * check gets 401.
   * @example process.env.META_VERIFY_TOKEN
   */
  verifyToken?: string;

  /**
   * The public origin the sender signs, for schemes that sign the URL
   * (SignalWire, Twilio). Overrides the module-wide `publicBaseUrl`.
   * @default the module's `publicBaseUrl`
   */
  publicBaseUrl?: string;

  /**
   * Replay protection for this provider: each delivery id is handled once.
   * Its fields override the module's `replay`; `false` turns it off here.
   * @default the module's `replay`, off if that is unset
   */
  replay?: ReplayOptions | false;
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

  /**
   * Called for every rejected request, to count or alert. The response stays
   * the generic 4xx; an error thrown here is logged and does not change it.
   *
   * For everything else (verified deliveries, durations, duplicates, replay
   * store latency) subscribe to the `nestjs-webhook-security:verify` and
   * `nestjs-webhook-security:replay` diagnostics channels, or turn on
   * `telemetry`; see `docs/observability.md`.
   * @example ({ provider, reason }) => metrics.increment('webhook.rejected', { provider, reason })
   */
  onVerificationFailure?: (failure: WebhookVerificationFailure) => void | Promise<void>;

  /**
   * Replay protection for every provider: each delivery id is handled once,
   * and a duplicate gets 200 (or 409) without running the handler. Providers
   * can override fields or set `replay: false`.
   * @default off
   * @example { store: new RedisReplayStore(redis), ttlSeconds: 86400 }
   */
  replay?: ReplayOptions;

  /**
   * Event routing to `@OnWebhookEvent` handlers, on routes marked
   * `@VerifiedWebhook(name, { dispatch: true })`.
   * @default { unhandled: 'ignore' }
   */
  events?: WebhookEventsOptions;

  /**
   * OpenTelemetry metrics and spans for every verification and replay
   * decision (see `docs/observability.md`), through `@opentelemetry/api`, an
   * optional peer dependency. They go to the global providers of the
   * OpenTelemetry SDK, which must be started before the app.
   * - `true`: on; startup fails if `@opentelemetry/api` is not installed;
   * - `'auto'`: on where `@opentelemetry/api` is installed, off elsewhere;
   * - `false`: off. The diagnostics channels publish either way, to whoever subscribes.
   * @default false
   */
  telemetry?: boolean | 'auto';
}

/**
 * Secrets a test gives in place of the configured ones, by provider name: a
 * secret, or a rotation list. See `createWebhookTestApp` in
 * `nestjs-webhook-security/testing`.
 */
export type WebhookTestSecrets = Readonly<Record<string, string | readonly string[]>>;

/** What `onVerificationFailure` learns of a rejected request. */
export interface WebhookVerificationFailure {
  /** The provider name of the route. */
  readonly provider: string;
  /** Why the request was rejected. */
  readonly reason: VerificationFailureReason;
  /** The request as the HTTP platform gave it (Express or Fastify). Its body is not verified. */
  readonly request: unknown;
}

/** The secrets of a provider: fixed at startup, or looked up per request. */
export type ResolvedSecrets = readonly string[] | WebhookSecretFunction;

/**
 * One provider after validation: its verifier, secrets and URL base.
 * A verifier or secret resolver given as a class is resolved through
 * dependency injection when the module starts, and set here then.
 */
export interface ResolvedWebhookProvider {
  /** The name `@VerifiedWebhook(name)` uses. */
  readonly name: string;
  /** The verifier of the provider's scheme. */
  verifier: WebhookVerifier;
  /** Fixed secrets, or the function that picks them per request. */
  secrets: ResolvedSecrets;
  /** The public origin, without a trailing slash, for schemes that sign the URL. */
  readonly publicBaseUrl: string | undefined;
  /** Classes still to resolve through dependency injection at startup. */
  readonly injectables: {
    readonly verifier?: Type<WebhookVerifier>;
    readonly secretResolver?: Type<WebhookSecretResolver>;
  };
  /** Replay protection, or `undefined` when it is off for this provider. */
  readonly replay?: ResolvedReplayOptions;
}

/** The module options after validation, with defaults filled in. */
export interface ResolvedWebhookSecurityOptions {
  readonly providers: ReadonlyMap<string, ResolvedWebhookProvider>;
  readonly maxBodyBytes: number;
  readonly onVerificationFailure: WebhookSecurityModuleOptions['onVerificationFailure'];
  readonly telemetry: boolean | 'auto';
  /** The module-wide replay store: `replay.store`, or an in-memory one. */
  readonly replayStore?: ReplayStore;
  /** Event routing, with defaults filled in. */
  readonly events: ResolvedWebhookEventsOptions;
}
