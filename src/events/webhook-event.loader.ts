import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { LOGGER_CONTEXT, RESOLVED_WEBHOOK_SECURITY_OPTIONS, WEBHOOK_PROVIDER_METADATA } from '../webhook-security.constants.js';
import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import type { ResolvedWebhookSecurityOptions } from '../webhook-security-options.interface.js';
import type { WebhookEventSubscription } from './on-webhook-event.decorator.js';
import { WebhookDispatchPipe } from './webhook-dispatch.pipe.js';
import { WebhookEventPipe } from './webhook-event.decorator.js';
import { WebhookEventDispatcher, type WebhookEventHandler } from './webhook-event-dispatcher.js';
import { WEBHOOK_DISPATCH_METADATA, WEBHOOK_EVENT_HANDLER_METADATA } from './webhook-events.constants.js';

/**
 * Finds every `@OnWebhookEvent` method of the app's providers and
 * controllers when the app starts, checks it, binds it to its instance and
 * hands the list to the {@link WebhookEventDispatcher}. It runs once, after
 * every module has initialised, so that injectable verifiers are resolved.
 *
 * Startup fails, with a message that names the fix, on a handler whose
 * provider is not configured or cannot read event types, on one that lists
 * no type, on one in a request-scoped or transient provider, on a
 * dispatching route whose provider cannot read event types, and on a route
 * that a `{ dispatch: true }` on a class it extends never reached.
 *
 * It warns of a dispatching route, or one given `@WebhookEvent()`, of
 * GitHub or Shopify without replay protection: their event headers are not
 * signed, and only replay protection,
 * whose delivery id for them is the hash of the signed body, stops a
 * captured body from being dispatched again under another event name.
 */
@Injectable()
export class WebhookEventLoader implements OnApplicationBootstrap {
  protected readonly logger = new Logger(LOGGER_CONTEXT);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly dispatcher: WebhookEventDispatcher,
    @Inject(RESOLVED_WEBHOOK_SECURITY_OPTIONS) private readonly options: ResolvedWebhookSecurityOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.checkDispatchingRoutes();
    const handlers: WebhookEventHandler[] = [];
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown> | null;
      if (!prototype) continue;
      for (const key of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[key];
        const subscriptions = typeof method === 'function' ? subscriptionsOf(method) : undefined;
        if (!subscriptions) continue;
        const name = `${instance.constructor.name}.${key}()`;
        if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) throw WebhookSecurityConfigurationError.scopedEventHandler(name);
        const call = (method as (...args: unknown[]) => unknown).bind(instance);
        for (const { provider, types } of subscriptions) {
          this.checkProvider(provider, `@OnWebhookEvent('${provider}') on ${name}`, name);
          if (types !== '*' && types.length === 0) throw WebhookSecurityConfigurationError.emptyEventSubscription(name);
          const unmatchable = types === '*' ? -1 : types.findIndex((type) => typeof type !== 'string' || type === '*' || type === '' || type.trim() !== type);
          if (unmatchable !== -1) throw WebhookSecurityConfigurationError.unmatchableEventType(name, types[unmatchable]);
        }
        handlers.push(...mergeByProvider(name, subscriptions, call));
      }
    }
    this.dispatcher.register(handlers);
  }

  /**
   * Fails startup when a route dispatches events of a provider whose verifier
   * cannot read them, or is marked to dispatch but has no dispatching
   * parameter (its controller extends the class that was given the mark), or
   * one of another provider (a class it extends dispatches as another).
   */
  private checkDispatchingRoutes(): void {
    const warned = new Set<string>();
    for (const { metatype } of this.discovery.getControllers()) {
      if (typeof metatype !== 'function') continue;
      const prototype = metatype.prototype as Record<string, object>;
      const byClass = Reflect.getMetadata(WEBHOOK_DISPATCH_METADATA, metatype) === true;
      if (byClass) {
        const provider = Reflect.getMetadata(WEBHOOK_PROVIDER_METADATA, metatype) as string;
        this.checkProvider(provider, `@VerifiedWebhook('${provider}', { dispatch: true }) on ${metatype.name}`, metatype.name);
      }
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const target = prototype[method]!;
        const route = `${metatype.name}.${method}()`;
        const args = Object.values((Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, method) ?? {}) as Record<string, { data?: unknown; pipes?: unknown[] }>);
        const provider = (Reflect.getMetadata(WEBHOOK_PROVIDER_METADATA, target) ?? Reflect.getMetadata(WEBHOOK_PROVIDER_METADATA, metatype)) as string;
        if (Reflect.getMetadata(WEBHOOK_DISPATCH_METADATA, target) === true || (byClass && Reflect.getMetadata(PATH_METADATA, target) !== undefined)) {
          this.checkProvider(provider, `@VerifiedWebhook('${provider}', { dispatch: true }) on ${route}`, route);
          const dispatching = args.filter((arg) => arg.pipes?.includes(WebhookDispatchPipe));
          if (!dispatching.length) throw WebhookSecurityConfigurationError.undispatchedRoute(provider, route, metatype.name);
          const other = dispatching.find((arg) => arg.data !== provider);
          if (other) throw WebhookSecurityConfigurationError.dispatchingAsAnother(provider, String(other.data), route, metatype.name);
          this.warnOfUnsignedType(provider, warned);
        } else if (args.some((arg) => arg.pipes?.includes(WebhookEventPipe)) && this.options.providers.has(provider)) {
          // A route handed the event type by @WebhookEvent() reads the same unsigned header.
          this.warnOfUnsignedType(provider, warned);
        }
      }
    }
  }

  /** Warns, once per provider, when its event type comes from a header its signature does not cover and replay is off. */
  private warnOfUnsignedType(provider: string, warned: Set<string>): void {
    const { verifier, replay } = this.options.providers.get(provider)!;
    const headers = verifier.unsignedEventTypeHeaders;
    if (!headers?.length || replay || warned.has(provider)) return;
    warned.add(provider);
    this.logger.warn(
      `'${provider}' routes events by ${headers.join(' or ')}, which its signature does not cover: turn replay on for '${provider}', ` +
        `so that a signed body is never dispatched under event headers other than those it first came with.`,
    );
  }

  /** Fails startup unless `provider` is configured and its verifier reads event types. */
  private checkProvider(provider: string, usedBy: string, where: string): void {
    const resolved = this.options.providers.get(provider);
    if (!resolved) throw WebhookSecurityConfigurationError.unknownEventProvider(provider, where, [...this.options.providers.keys()]);
    if (typeof resolved.verifier.eventType !== 'function') throw WebhookSecurityConfigurationError.verifierWithoutEventTypes(provider, usedBy);
  }
}

/** The `@OnWebhookEvent` subscriptions on a method, if any. */
function subscriptionsOf(method: object): readonly WebhookEventSubscription[] | undefined {
  const subscriptions = Reflect.getMetadata(WEBHOOK_EVENT_HANDLER_METADATA, method) as WebhookEventSubscription[] | undefined;
  return subscriptions?.length ? subscriptions : undefined;
}

/**
 * One handler per provider of a method, with the types of all its
 * subscriptions to that provider, so that a method runs once per delivery
 * even when several of its decorators match.
 */
function mergeByProvider(name: string, subscriptions: readonly WebhookEventSubscription[], call: WebhookEventHandler['call']): WebhookEventHandler[] {
  const byProvider = new Map<string, Set<string> | '*'>();
  for (const { provider, types } of subscriptions) {
    const known = byProvider.get(provider);
    if (types === '*' || known === '*') byProvider.set(provider, '*');
    else byProvider.set(provider, new Set([...(known ?? []), ...types]));
  }
  return [...byProvider].map(([provider, types]) => ({ name, provider, types: types === '*' ? '*' : [...types], call }));
}
