import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { BUILT_IN_VERIFIERS, isBuiltInScheme } from './verifiers/built-in-verifiers.js';
import type { WebhookVerifier } from './verifiers/webhook-verifier.interface.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  RESOLVED_WEBHOOK_SECURITY_OPTIONS,
  WEBHOOK_PROVIDER_METADATA,
  WEBHOOK_SECURITY_OPTIONS,
} from './webhook-security.constants.js';
import { WebhookSecurityConfigurationError } from './webhook-security.exceptions.js';
import { ConfigurableWebhookSecurityModule } from './webhook-security.module-definition.js';
import type {
  ResolvedWebhookProvider,
  ResolvedWebhookSecurityOptions,
  WebhookProviderOptions,
  WebhookSecurityModuleOptions,
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
 * that names the fix.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: RESOLVED_WEBHOOK_SECURITY_OPTIONS,
      useFactory: resolveOptions,
      inject: [WEBHOOK_SECURITY_OPTIONS],
    },
  ],
  exports: [RESOLVED_WEBHOOK_SECURITY_OPTIONS],
})
export class WebhookSecurityModule extends ConfigurableWebhookSecurityModule implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(RESOLVED_WEBHOOK_SECURITY_OPTIONS) private readonly options: ResolvedWebhookSecurityOptions,
  ) {
    super();
  }

  /** Fails startup when a `@VerifiedWebhook(name)` names a provider that is not configured. */
  onModuleInit(): void {
    const configured = [...this.options.providers.keys()];
    for (const { metatype } of this.discovery.getControllers()) {
      if (typeof metatype !== 'function') continue;
      const targets: [string, object][] = [[metatype.name, metatype]];
      for (const method of this.scanner.getAllMethodNames(metatype.prototype)) {
        targets.push([`${metatype.name}.${method}()`, metatype.prototype[method]]);
      }
      for (const [route, target] of targets) {
        const name = this.reflector.get<string | undefined>(WEBHOOK_PROVIDER_METADATA, target as never);
        if (name !== undefined && !this.options.providers.has(name)) {
          throw WebhookSecurityConfigurationError.unknownProvider(name, route, configured);
        }
      }
    }
  }
}

/** Validates the options and builds one verifier per provider. Throws at startup on a mistake. */
export function resolveOptions(options: WebhookSecurityModuleOptions): ResolvedWebhookSecurityOptions {
  const entries = Object.entries(options?.providers ?? {});
  if (entries.length === 0) throw WebhookSecurityConfigurationError.noProviders();

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw WebhookSecurityConfigurationError.invalidOption('*', 'maxBodyBytes', 'a positive whole number of bytes');
  }
  return {
    maxBodyBytes,
    providers: new Map(entries.map(([name, provider]) => [name, resolveProvider(name, provider, options)])),
  };
}

function resolveProvider(
  name: string,
  provider: WebhookProviderOptions,
  options: WebhookSecurityModuleOptions,
): ResolvedWebhookProvider {
  const secrets = typeof provider?.secret === 'string' ? [provider.secret] : [...(provider?.secret ?? [])];
  if (secrets.length === 0 || !secrets.every((secret) => typeof secret === 'string' && secret !== '')) {
    throw WebhookSecurityConfigurationError.missingSecret(name);
  }
  const { toleranceSeconds } = provider;
  if (toleranceSeconds !== undefined && !(Number.isFinite(toleranceSeconds) && toleranceSeconds > 0)) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'toleranceSeconds', 'a positive number of seconds');
  }
  const publicBaseUrl = provider.publicBaseUrl ?? options.publicBaseUrl;
  if (publicBaseUrl !== undefined && !/^https?:\/\/[^/?#]+/i.test(publicBaseUrl)) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'publicBaseUrl', "an absolute http(s) URL, e.g. 'https://api.example.com'");
  }
  const verifier = provider.verifier ?? builtInVerifier(name, provider, options);
  secrets.forEach((secret, index) => {
    const expected = verifier.checkSecret?.(secret as string);
    if (expected !== undefined) {
      throw WebhookSecurityConfigurationError.invalidOption(name, secrets.length === 1 ? 'secret' : `secret[${index}]`, expected);
    }
  });
  return {
    name,
    secrets: secrets as string[],
    publicBaseUrl: publicBaseUrl?.replace(/\/+$/, ''),
    verifier,
  };
}

function builtInVerifier(name: string, provider: WebhookProviderOptions, options: WebhookSecurityModuleOptions): WebhookVerifier {
  const scheme = provider.scheme ?? name;
  if (!isBuiltInScheme(scheme)) {
    throw WebhookSecurityConfigurationError.unknownScheme(name, scheme, Object.keys(BUILT_IN_VERIFIERS));
  }
  return new BUILT_IN_VERIFIERS[scheme]({ toleranceSeconds: provider.toleranceSeconds, clock: options.clock });
}
