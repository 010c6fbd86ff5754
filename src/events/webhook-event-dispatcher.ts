import { BadRequestException, Inject, Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { parsedJson, sharingParses } from '../utils/delivery-id.js';
import { verifiedDelivery, type VerifiedDelivery } from '../verified-delivery.js';
import type { WebhookRequest } from '../verifiers/webhook-verifier.interface.js';
import { LOGGER_CONTEXT, RESOLVED_WEBHOOK_SECURITY_OPTIONS } from '../webhook-security.constants.js';
import { WebhookEventHandlerException, WebhookSecurityMisconfiguredException } from '../webhook-security.exceptions.js';
import type { ResolvedWebhookSecurityOptions } from '../webhook-security-options.interface.js';
import type { VerifiedWebhookEvent, WebhookEventContext } from './webhook-event-map.interface.js';

/** An `@OnWebhookEvent` method, bound to its instance once, at startup. */
export interface WebhookEventHandler {
  /** `Class.method()`, for logs. */
  readonly name: string;
  /** The provider whose events it takes. */
  readonly provider: string;
  /** The event types it takes, or `'*'` for every type. */
  readonly types: readonly string[] | '*';
  /** Calls the method on its instance. */
  readonly call: (event: unknown, context: WebhookEventContext) => unknown;
}

/** The handlers of one provider: by event type, and those of every type. */
interface ProviderHandlers {
  /** For each event type that some handler names, its handlers and the wildcard ones, in discovery order. */
  readonly byType: Map<string, readonly WebhookEventHandler[]>;
  /** Handlers of `'*'`, for the types no handler names. */
  readonly wildcard: readonly WebhookEventHandler[];
}

/** Said when the dispatcher meets a request the guard did not verify. */
const NOT_VERIFIED_FIX = 'webhook events are read only on routes marked @VerifiedWebhook(name), after the signature is verified.';

/** Said when a pipe (a global one) handed on something else than a library parameter's value. */
const CHANGED_SOURCE_FIX =
  "a pipe changed the value of a parameter this library fills (@WebhookEvent(), or { dispatch: true }'s): let global pipes pass values of metadata.type 'custom' through unchanged.";

/**
 * What the library's parameters hand their pipes: the request, and the
 * provider its route names. A class, so that a copy made by another pipe
 * is told apart from it.
 */
export class WebhookRequestSource {
  constructor(
    readonly request: object,
    readonly provider: string | undefined,
  ) {}
}

/** Longest event type quoted in a log line. */
const MAX_LOGGED_TYPE = 100;

/**
 * Routes verified deliveries to the `@OnWebhookEvent` handlers found at
 * startup. The handlers are bound once; a delivery costs one map lookup and
 * one `JSON.parse` of the verified bytes, shared with the verifier's read
 * of the type, with no reflection. `req.body` is never read: a
 * middleware may have changed it.
 *
 * Outcome of a delivery:
 * - every handler of its type returned (or resolved): the route goes on, 2xx;
 * - one threw: the handlers after it do not run; 500, so that the sender
 *   retries, and an error log naming the handler;
 * - no handler takes it, or the verifier reads no type: a debug log, and the
 *   route goes on, unless `events.unhandled` is 404 or 422.
 */
@Injectable()
export class WebhookEventDispatcher {
  protected readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly handlers = new Map<string, ProviderHandlers>();

  constructor(@Inject(RESOLVED_WEBHOOK_SECURITY_OPTIONS) private readonly options: ResolvedWebhookSecurityOptions) {}

  /** Takes the handlers found at startup, in discovery order. */
  register(handlers: readonly WebhookEventHandler[]): void {
    this.handlers.clear();
    for (const provider of new Set(handlers.map((handler) => handler.provider))) {
      const own = handlers.filter((handler) => handler.provider === provider);
      const wildcard = own.filter((handler) => handler.types === '*');
      const byType = new Map<string, WebhookEventHandler[]>();
      for (const type of new Set(own.flatMap((handler) => (handler.types === '*' ? [] : handler.types)))) {
        byType.set(
          type,
          own.filter((handler) => handler.types === '*' || handler.types.includes(type)),
        );
      }
      this.handlers.set(provider, { byType, wildcard });
    }
  }

  /**
   * Runs the handlers of the verified delivery on `request`, one after
   * another, each awaited. Throws the HTTP error the delivery gets when a
   * handler fails or, with `events.unhandled` set, when none takes it.
   * Does nothing the second time for the same request.
   */
  async dispatch(request: object, provider: string | undefined): Promise<void> {
    const routed = sharingParses(() => this.route(request, provider));
    if (!routed) return;
    const { delivery, eventType, handlers, event } = routed;
    const context = Object.freeze(eventContext(delivery, eventType));
    for (const handler of handlers) {
      try {
        await handler.call(event, context);
      } catch (error) {
        this.logger.error(
          `${handler.name} failed on ${quote(eventType)} from '${delivery.provider.name}'; answering 500 so that the sender retries: ${describe(error)}`,
          error instanceof Error ? error.stack : undefined,
        );
        throw new WebhookEventHandlerException();
      }
    }
  }

  /**
   * The handlers of the delivery on `request`, and the event they get:
   * its type and the event read from one parse of the verified bytes.
   * `undefined` when it was dispatched already or no handler takes it.
   */
  private route(request: object, provider: string | undefined) {
    const delivery = this.deliveryOf(request, provider);
    if (delivery.dispatched) return undefined;
    delivery.dispatched = true;
    const eventType = eventTypeOf(delivery);
    const routes = this.handlers.get(delivery.provider.name);
    const handlers = eventType === undefined ? undefined : (routes?.byType.get(eventType) ?? routes?.wildcard);
    if (eventType === undefined || !handlers?.length) return this.unhandled(delivery.provider.name, eventType);
    return { delivery, eventType, handlers, event: this.eventOf(delivery) };
  }

  /**
   * The verified event on `request`: the body parsed from the verified bytes, its
   * type and context. 400 when the body is not JSON.
   */
  verifiedEvent(request: object, provider: string | undefined): VerifiedWebhookEvent {
    return sharingParses(() => {
      const delivery = this.deliveryOf(request, provider);
      return Object.assign(eventContext(delivery, eventTypeOf(delivery)), { event: this.eventOf(delivery) });
    });
  }

  /** The request and provider of `source`; a 500 naming the fix when a pipe replaced it. */
  requestOf(source: unknown): WebhookRequestSource {
    if (source instanceof WebhookRequestSource) return source;
    this.logger.error(CHANGED_SOURCE_FIX);
    throw new WebhookSecurityMisconfiguredException(CHANGED_SOURCE_FIX);
  }

  /**
   * What the guard verified on `request`: its provider and the request as
   * the verifier read it. A 500 naming the fix when the guard of `name`
   * verified nothing there.
   */
  private deliveryOf(request: object, name: string | undefined): VerifiedDelivery {
    const verified = verifiedDelivery(request);
    if (!verified || (name !== undefined && verified.provider.name !== name)) {
      this.logger.error(NOT_VERIFIED_FIX);
      throw new WebhookSecurityMisconfiguredException(NOT_VERIFIED_FIX);
    }
    return verified;
  }

  /** The body parsed from the verified bytes, shared with the verifier's read of the type. */
  private eventOf(delivery: VerifiedDelivery): unknown {
    const parsed = parsedJson(delivery.webhook.rawBody);
    if (!parsed) throw new BadRequestException('The webhook body is not JSON');
    return parsed.value;
  }

  /** Logs a delivery no handler takes; throws the configured 404 or 422. */
  private unhandled(provider: string, eventType: string | undefined): void {
    const what = eventType === undefined ? 'an event with no type' : quote(eventType);
    this.logger.debug(`No @OnWebhookEvent handler for ${what} from '${provider}'`);
    const { unhandled } = this.options.events;
    if (unhandled === 404) throw new NotFoundException('No handler for this webhook event');
    if (unhandled === 422) throw new UnprocessableEntityException('No handler for this webhook event');
  }
}

/** The event type the verifier reads from the verified request. */
function eventTypeOf({ provider, webhook }: VerifiedDelivery): string | undefined {
  return provider.verifier.eventType?.(webhook);
}

/**
 * The context handlers get: a plain object, whose provider, event type,
 * delivery id and headers are each an own enumerable property. The delivery
 * id is read when a handler asks for it, as schemes without one hash the
 * signed content for it, and one read from the JSON body parses it again: no
 * parsed body outlives the dispatch.
 */
function eventContext(delivery: VerifiedDelivery, eventType: string | undefined): WebhookEventContext {
  const context: { provider: string; eventType: string | undefined; headers?: WebhookRequest['headers'] } = { provider: delivery.provider.name, eventType };
  DeliveryIdState.attach(context, delivery);
  context.headers = delivery.webhook.headers;
  return context as WebhookEventContext;
}

/** A constructor that returns the object it is given, so that a subclass adds its private fields to that object. */
class Returning {
  constructor(object: object) {
    return object;
  }
}

/**
 * The delivery id of a context, as private fields of the context itself,
 * read through one accessor shared by every context. A getter written in an
 * object literal gives each object a shape of its own, slow to build, and an
 * instance of a class is no plain object: Nest's logger, for one, takes a
 * plain object after the message as structured params, and prints an
 * instance as a message of its own.
 */
class DeliveryIdState extends Returning {
  readonly #delivery: VerifiedDelivery;
  #deliveryId: { readonly value: string | undefined } | undefined;

  static readonly #deliveryIdProperty: PropertyDescriptor = {
    get(this: DeliveryIdState) {
      this.#deliveryId ??= { value: this.#delivery.provider.verifier.deliveryId?.(this.#delivery.webhook) };
      return this.#deliveryId.value;
    },
    // As a getter in an object literal: the event of @WebhookEvent(), not frozen, may lose it.
    enumerable: true,
    configurable: true,
  };

  private constructor(context: object, delivery: VerifiedDelivery) {
    super(context);
    this.#delivery = delivery;
  }

  /** Adds the delivery id of `delivery` to `context`, as its next property. */
  static attach(context: object, delivery: VerifiedDelivery): void {
    new DeliveryIdState(context, delivery);
    Object.defineProperty(context, 'deliveryId', DeliveryIdState.#deliveryIdProperty);
  }
}

/** An event type for a log line: quoted, escaped and cut short, as it may come from an unsigned header. */
function quote(eventType: string): string {
  return JSON.stringify(eventType.length > MAX_LOGGED_TYPE ? `${eventType.slice(0, MAX_LOGGED_TYPE)}…` : eventType);
}

/** An error's class and message for a log line. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
