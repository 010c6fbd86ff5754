import { Inject, Logger, Module, type OnModuleDestroy, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import { acquireModuleTelemetry, type WebhookTelemetry } from './diagnostics/opentelemetry.bridge.js';
import { WebhookEventDispatcher } from './events/webhook-event-dispatcher.js';
import { WebhookEventLoader } from './events/webhook-event.loader.js';
import { resolveEventsOptions } from './events/webhook-events-options.resolver.js';
import { MemoryReplayStore } from './replay/memory-replay.store.js';
import { checkReplayVerifier, resolveReplayOptions } from './replay/replay-options.resolver.js';
import { ReplayStore } from './replay/replay-store.interface.js';
import { BUILT_IN_VERIFIERS, isBuiltInScheme } from './verifiers/built-in-verifiers.js';
import { describedVerifier } from './verifiers/described-verifier.js';
import type { VerifierOptions, WebhookVerifier } from './verifiers/webhook-verifier.interface.js';
import type { WebhookSecretFunction, WebhookSecretResolver } from './webhook-secret-resolver.interface.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TOLERANCE_SECONDS,
  LOGGER_CONTEXT,
  RESOLVED_WEBHOOK_SECURITY_OPTIONS,
  WEBHOOK_PROVIDER_METADATA,
  WEBHOOK_SECURITY_OPTIONS,
  WEBHOOK_TEST_SECRETS,
} from './webhook-security.constants.js';
import { WebhookSecurityConfigurationError, type BlankSecret } from './webhook-security.exceptions.js';
import { ConfigurableWebhookSecurityModule } from './webhook-security.module-definition.js';
import type {
  ResolvedWebhookProvider,
  ResolvedWebhookSecurityOptions,
  WebhookProviderOptions,
  WebhookSecurityModuleOptions,
  WebhookTestSecrets,
} from './webhook-security-options.interface.js';

/**
 * Verifies incoming webhooks. Import it once, with the secret of each sender:
 *
 * ```ts
 * WebhookSecurityModule.forRoot({ providers: { fullup: { secret: process.env.FULLUP_WEBHOOK_SECRET } } })
 * ```
 *
 * then mark routes with `@VerifiedWebhook('fullup')`. The app must be created
 * with `{ rawBody: true }`. Global by default (`isGlobal: false` to scope it).
 *
 * Options are checked at startup: a missing secret, an unknown scheme, or a
 * `@VerifiedWebhook` name that is not configured stops the app with a message
 * that names the fix. A provider whose scheme signs the URL (Twilio,
 * SignalWire) with no `publicBaseUrl` gets one warning at startup: its URL is
 * rebuilt from each request's protocol and Host header; one with replay
 * protection off gets another, as only replay makes a re-split copy of its
 * signed content a duplicate.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: WEBHOOK_TEST_SECRETS, useValue: null },
    {
      provide: RESOLVED_WEBHOOK_SECURITY_OPTIONS,
      useFactory: resolveOptions,
      inject: [WEBHOOK_SECURITY_OPTIONS, WEBHOOK_TEST_SECRETS],
    },
    {
      provide: ReplayStore,
      useFactory: (options: ResolvedWebhookSecurityOptions) => options.replayStore,
      inject: [RESOLVED_WEBHOOK_SECURITY_OPTIONS],
    },
    WebhookEventDispatcher,
    WebhookEventLoader,
  ],
  exports: [RESOLVED_WEBHOOK_SECURITY_OPTIONS, ReplayStore, WebhookEventDispatcher],
})
export class WebhookSecurityModule extends ConfigurableWebhookSecurityModule implements OnModuleInit, OnModuleDestroy {
  private telemetry: WebhookTelemetry | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    @Inject(RESOLVED_WEBHOOK_SECURITY_OPTIONS) private readonly options: ResolvedWebhookSecurityOptions,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    this.checkDecoratedProviders();
    for (const provider of this.options.providers.values()) {
      const { verifier, secretResolver } = provider.injectables;
      if (verifier) {
        provider.verifier = await this.instantiate(verifier, provider.name);
        checkSecrets(provider);
        checkReplayVerifier(provider);
      }
      if (secretResolver) {
        const resolver = await this.instantiate(secretResolver, provider.name);
        provider.secrets = (request) => resolver.resolveSecret(request);
      }
    }
    this.warnOfUrlsFromHost();
    this.warnOfUrlSigningWithoutReplay();
    this.telemetry = await acquireModuleTelemetry(this.options.telemetry);
  }

  /** Stops the telemetry this module turned on. */
  onModuleDestroy(): void {
    this.telemetry?.disable();
  }

  /**
   * One warning naming the providers that sign the URL with replay protection
   * off: a captured request can be re-sent and, unless the scheme takes JSON
   * bodies only (which must parse whole), its signature also fits other splits
   * of the URL and the content; only replay protection makes such a copy a
   * duplicate (SECURITY.md).
   */
  private warnOfUrlSigningWithoutReplay(): void {
    const names = [...this.options.providers.values()].filter((p) => p.verifier.signsUrl && !p.replay).map((p) => p.name);
    if (names.length === 0) return;
    new Logger(LOGGER_CONTEXT).warn(
      `Webhook provider${names.length === 1 ? '' : 's'} ${names.map((name) => `'${name}'`).join(', ')} sign${names.length === 1 ? 's' : ''} the URL ` +
        `and the content joined with no separator, and ${names.length === 1 ? 'has' : 'have'} replay protection off: a captured signature can be re-sent, ` +
        `and where the scheme takes more than JSON (form posts, for one), with part of the URL moved into the content. Turn replay on (replay: {}) ` +
        `so that such a copy is a duplicate.`,
    );
  }

  /** One warning naming the providers whose signed URL is rebuilt from the request's Host header. */
  private warnOfUrlsFromHost(): void {
    const names = [...this.options.providers.values()].filter((p) => p.verifier.signsUrl && p.publicBaseUrl === undefined).map((p) => p.name);
    if (names.length === 0) return;
    new Logger(LOGGER_CONTEXT).warn(
      `Webhook provider${names.length === 1 ? '' : 's'} ${names.map((name) => `'${name}'`).join(', ')} sign${names.length === 1 ? 's' : ''} the URL, ` +
        `and no publicBaseUrl is set: the URL is rebuilt from each request's protocol and Host header. ` +
        `Set publicBaseUrl to the public origin the sender calls (e.g. 'https://api.example.com'), above all behind a proxy.`,
    );
  }

  /** An instance of `type`: the one registered as a provider anywhere in the app, or a new one with its dependencies injected. */
  private async instantiate<T>(type: Type<T>, provider: string): Promise<T> {
    try {
      // eslint-disable-next-line @typescript-eslint/return-await -- `get` is synchronous: it returns the instance or throws
      return this.moduleRef.get(type, { strict: false });
    } catch {
      // Not registered as a provider: create it below.
    }
    try {
      return await this.moduleRef.create(type);
    } catch (error) {
      throw WebhookSecurityConfigurationError.unresolvableClass(provider, type.name, error);
    }
  }

  /** Fails startup when a `@VerifiedWebhook(name)` names a provider that is not configured. */
  private checkDecoratedProviders(): void {
    const configured = [...this.options.providers.keys()];
    for (const { metatype } of this.discovery.getControllers()) {
      if (typeof metatype !== 'function') continue;
      const prototype = metatype.prototype as Record<string, object>;
      const targets: [string, object][] = [[metatype.name, metatype]];
      for (const method of this.scanner.getAllMethodNames(prototype)) targets.push([`${metatype.name}.${method}()`, prototype[method]!]);
      for (const [route, target] of targets) {
        const name = this.reflector.get<string | undefined>(WEBHOOK_PROVIDER_METADATA, target as never);
        if (name !== undefined && !this.options.providers.has(name)) {
          throw WebhookSecurityConfigurationError.unknownProvider(name, route, configured);
        }
      }
    }
  }
}

/**
 * Validates the options and builds one verifier per provider. Throws at
 * startup on a mistake. `testSecrets`, given only by a test, replace the
 * secrets of the providers they name before anything is checked.
 */
export function resolveOptions(options: WebhookSecurityModuleOptions, testSecrets?: WebhookTestSecrets | null): ResolvedWebhookSecurityOptions {
  const entries = Object.entries(options?.providers ?? {});
  if (entries.length === 0) throw WebhookSecurityConfigurationError.noProviders();
  if (testSecrets) {
    const names = entries.map(([name]) => name);
    for (const name of Object.keys(testSecrets)) {
      if (!names.includes(name)) throw WebhookSecurityConfigurationError.unknownTestSecret(name, names);
    }
    entries.forEach((entry) => {
      const [name, provider] = entry;
      if (Object.hasOwn(testSecrets, name)) entry[1] = { ...provider, secret: testSecrets[name] };
    });
  }

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw WebhookSecurityConfigurationError.invalidOption('*', 'maxBodyBytes', 'a positive whole number of bytes');
  }
  const telemetry = options.telemetry ?? false;
  if (typeof telemetry !== 'boolean' && telemetry !== 'auto') {
    throw WebhookSecurityConfigurationError.invalidOption('*', 'telemetry', "true, false or 'auto'");
  }
  const replayStore = options.replay?.store ?? new MemoryReplayStore();
  return {
    maxBodyBytes,
    onVerificationFailure: options.onVerificationFailure,
    telemetry,
    replayStore,
    events: resolveEventsOptions(options.events),
    providers: new Map(entries.map(([name, provider]) => [name, resolveProvider(name, provider, options, replayStore)])),
  };
}

/** Until startup resolves an injectable class, nothing verifies. */
const UNRESOLVED: WebhookVerifier = { verify: () => ({ verified: false, reason: 'no_matching_signature' }) };

function resolveProvider(
  name: string,
  provider: WebhookProviderOptions,
  options: WebhookSecurityModuleOptions,
  replayStore: ReplayStore,
): ResolvedWebhookProvider {
  if (typeof provider !== 'object' || provider === null) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'its options', 'an object, e.g. { secret: process.env.WEBHOOK_SECRET }');
  }
  const { secret, verifier, toleranceSeconds } = provider;
  if (toleranceSeconds !== undefined && !(Number.isFinite(toleranceSeconds) && toleranceSeconds > 0)) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'toleranceSeconds', 'a positive number of seconds');
  }
  // Unsigned challenges compare it as is: an empty one would answer anyone, a padded one no sender.
  if (provider.verifyToken !== undefined && blankSecret(provider.verifyToken) !== undefined) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'verifyToken', 'the verify token itself, a non-empty string with no whitespace around it');
  }
  // A key URL is allowed only when its origin equals an entry: one written otherwise would refuse every delivery.
  if (provider.keyOrigins !== undefined && !(Array.isArray(provider.keyOrigins) && provider.keyOrigins.every(isOrigin))) {
    throw WebhookSecurityConfigurationError.invalidOption(
      name,
      'keyOrigins',
      "http(s) origins written as new URL(...).origin writes them, such as 'http://127.0.0.1:4010': no path, no trailing slash",
    );
  }
  const injectableVerifier = typeof verifier === 'function';
  const instance = injectableVerifier
    ? undefined
    : (verifier ??
      schemeVerifier(name, provider, {
        toleranceSeconds,
        clock: options.clock,
        keyOrigins: provider.keyOrigins,
        certificateAuthorities: provider.certificateAuthorities,
        verifyToken: provider.verifyToken,
      }));
  const resolved: ResolvedWebhookProvider = {
    name,
    publicBaseUrl: resolvePublicBaseUrl(name, provider.publicBaseUrl ?? options.publicBaseUrl),
    secrets: [],
    verifier: UNRESOLVED,
    injectables: {
      verifier: injectableVerifier ? verifier : undefined,
      secretResolver: isSecretResolverClass(secret) ? secret : undefined,
    },
    // A verifier given as a class is instantiated later: its retention is not known here.
    replay: resolveReplayOptions(
      name,
      provider.replay,
      options.replay,
      replayStore,
      toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
      instance?.replayRetentionSeconds,
    ),
  };
  if (!resolved.injectables.secretResolver) {
    resolved.secrets = typeof secret === 'function' ? (secret as WebhookSecretFunction) : staticSecrets(name, secret);
  }
  if (!resolved.injectables.verifier) {
    resolved.verifier = instance!;
    checkSecrets(resolved);
    checkReplayVerifier(resolved);
  }
  return resolved;
}

/**
 * The public origin, without a trailing slash, to which the request's path
 * and query are appended. It may hold a path prefix, but no query, fragment or whitespace.
 */
function resolvePublicBaseUrl(name: string, publicBaseUrl: string | undefined): string | undefined {
  if (publicBaseUrl === undefined) return undefined;
  const url = httpUrl(publicBaseUrl);
  // `new URL()` drops whitespace around the URL and tabs and newlines in it: the prefix as given would keep them.
  if (!url || url.search !== '' || url.hash !== '' || /[?#\s]/.test(publicBaseUrl)) {
    throw WebhookSecurityConfigurationError.invalidOption(
      name,
      'publicBaseUrl',
      "an absolute http(s) URL with no query or fragment, and no whitespace, e.g. 'https://api.example.com'",
    );
  }
  return publicBaseUrl.replace(/\/+$/, '');
}

/** Lets the verifier reject, at startup, a static secret of the wrong format (never quoting it). */
function checkSecrets({ name, verifier, secrets }: ResolvedWebhookProvider): void {
  if (typeof secrets === 'function') return;
  secrets.forEach((secret, index) => {
    const expected = verifier.checkSecret?.(secret);
    if (expected !== undefined) {
      throw WebhookSecurityConfigurationError.invalidOption(name, secrets.length === 1 ? 'secret' : `secret[${index}]`, expected);
    }
  });
}

function isSecretResolverClass(secret: WebhookProviderOptions['secret']): secret is Type<WebhookSecretResolver> {
  return typeof secret === 'function' && typeof (secret.prototype as Partial<WebhookSecretResolver> | undefined)?.resolveSecret === 'function';
}

/**
 * A fixed secret or rotation list: every entry a string with more than
 * whitespace and none around it, or startup fails, naming the entry of a
 * list that is not.
 */
function staticSecrets(name: string, secret: string | readonly (string | undefined)[] | undefined): string[] {
  if (secret === undefined || secret === '' || (Array.isArray(secret) && secret.length === 0)) {
    throw WebhookSecurityConfigurationError.missingSecret(name);
  }
  if (typeof secret === 'string') {
    const problem = blankSecret(secret);
    if (problem) throw WebhookSecurityConfigurationError.blankSecret(name, problem);
    return [secret];
  }
  if (!Array.isArray(secret)) throw WebhookSecurityConfigurationError.missingSecret(name);
  secret.forEach((entry: unknown, index) => {
    const problem = blankSecret(entry);
    if (problem) throw WebhookSecurityConfigurationError.blankSecret(name, problem, index);
  });
  return [...(secret as string[])];
}

/** What makes an entry of a secret list no secret, if anything. */
function blankSecret(entry: unknown): BlankSecret | undefined {
  if (entry === undefined) return 'undefined';
  if (typeof entry !== 'string') return 'not a string';
  if (entry === '') return 'an empty string';
  const trimmed = entry.trim();
  if (trimmed === '') return 'only whitespace';
  return trimmed === entry ? undefined : 'padded with whitespace';
}

function schemeVerifier(name: string, provider: WebhookProviderOptions, options: VerifierOptions): WebhookVerifier {
  const scheme = provider.scheme ?? name;
  if (typeof scheme === 'object') return describedVerifier(scheme, options);
  if (!isBuiltInScheme(scheme)) {
    throw WebhookSecurityConfigurationError.unknownScheme(name, scheme, Object.keys(BUILT_IN_VERIFIERS));
  }
  return new BUILT_IN_VERIFIERS[scheme](options);
}

/** True for `http(s)://host[:port]` exactly as `new URL()` writes the origin. */
function isOrigin(value: unknown): boolean {
  return httpUrl(value)?.origin === value;
}

/** `value` read as an absolute http(s) URL, or `undefined`. */
function httpUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
}
