import { Controller, HttpCode, Injectable, Module, Post, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  GitHubVerifier,
  OnWebhookEvent,
  ShopifyVerifier,
  SlackVerifier,
  StandardWebhooksVerifier,
  StripeVerifier,
  VerifiedWebhook,
  WebhookEvent,
  type VerifiedWebhookEvent,
  type WebhookEventContext,
  type WebhookProviderOptions,
  type WebhookRequest,
  type WebhookVerifier,
} from '../../src/index.js';
import { jsonString } from '../../src/utils/delivery-id.js';
import { readHeader } from '../../src/utils/headers.js';
import { CapturingLogger, type Adapter } from '../app/create-app.js';

const whsec = (text: string) => `whsec_${Buffer.from(text).toString('base64')}`;

/** Secrets of the providers the events app routes; two accounts of Stripe. */
export const EVENT_SECRETS = {
  stripe: 'whsec_events_stripe',
  stripeConnect: 'whsec_events_stripe_connect',
  github: 'events-github-secret',
  shopify: 'shpss_events',
  slack: 'events-slack-signing-secret',
  standardwebhooks: whsec('events-standard-webhooks-key'),
} as const;
export type EventProvider = keyof typeof EVENT_SECRETS;

type VerifierClass = new () => WebhookVerifier;

/**
 * How each scheme names the event type of a verified request, for the
 * built-in verifiers that do not (yet) read it themselves: Stripe and
 * Standard Webhooks from the body's `type`, GitHub from `X-GitHub-Event`
 * and the body's `action`, Shopify from `X-Shopify-Topic`, Slack from the
 * body's `event.type`.
 */
const EVENT_TYPES: Record<string, (request: WebhookRequest) => string | undefined> = {
  stripe: (request) => jsonString(request.rawBody, ['type']),
  standardwebhooks: (request) => jsonString(request.rawBody, ['type']),
  github: (request) => {
    const event = readHeader(request.headers, 'x-github-event');
    const action = jsonString(request.rawBody, ['action']);
    return event === undefined || action === undefined ? event : `${event}.${action}`;
  },
  shopify: (request) => readHeader(request.headers, 'x-shopify-topic'),
  slack: (request) => jsonString(request.rawBody, ['event', 'type']),
};

/** The built-in verifier of `scheme`, given an `eventType` where it has none of its own. */
function withEventTypes(Verifier: VerifierClass, scheme: string): WebhookVerifier {
  const verifier = new Verifier();
  if (typeof verifier.eventType === 'function') return verifier;
  const eventType = EVENT_TYPES[scheme]!;
  return Object.assign(verifier, { eventType });
}

/** Options of every provider the events app routes. */
export function eventProviders(): Record<EventProvider, WebhookProviderOptions> {
  return {
    stripe: { secret: EVENT_SECRETS.stripe, verifier: withEventTypes(StripeVerifier, 'stripe') },
    stripeConnect: { secret: EVENT_SECRETS.stripeConnect, verifier: withEventTypes(StripeVerifier, 'stripe') },
    github: { secret: EVENT_SECRETS.github, verifier: withEventTypes(GitHubVerifier, 'github') },
    shopify: { secret: EVENT_SECRETS.shopify, verifier: withEventTypes(ShopifyVerifier, 'shopify') },
    slack: { secret: EVENT_SECRETS.slack, verifier: withEventTypes(SlackVerifier, 'slack') },
    standardwebhooks: { secret: EVENT_SECRETS.standardwebhooks, verifier: withEventTypes(StandardWebhooksVerifier, 'standardwebhooks') },
  };
}

/** One call of a handler. */
export interface HandlerCall {
  readonly handler: string;
  readonly event: unknown;
  readonly context: WebhookEventContext;
}

/** Records every handler call, and the order in which handlers start and finish. */
@Injectable()
export class EventLog {
  readonly calls: HandlerCall[] = [];
  readonly steps: string[] = [];
  /** Ids of events that already failed once. */
  readonly failedOnce = new Set<string>();

  record(handler: string, event: unknown, context: WebhookEventContext): void {
    this.calls.push({ handler, event, context });
  }

  /** The names of the handlers called, in order. */
  get handlers(): string[] {
    return this.calls.map((call) => call.handler);
  }
}

interface StripeLike {
  readonly id: string;
  readonly type: string;
  readonly data?: { readonly object?: { readonly failOnce?: boolean; readonly delayMs?: number } };
}

@Injectable()
export class BillingHandlers {
  constructor(private readonly log: EventLog) {}

  @OnWebhookEvent('stripe', 'invoice.paid')
  async invoicePaid(event: StripeLike, context: WebhookEventContext) {
    this.log.steps.push('invoicePaid:start');
    // Yields to the event loop, so that a handler started without waiting for this one would show in `steps`.
    await new Promise((resolve) => setTimeout(resolve, event.data?.object?.delayMs ?? 0));
    this.log.record('billing.invoicePaid', event, context);
    this.log.steps.push('invoicePaid:end');
  }

  @OnWebhookEvent('stripe', ['invoice.paid', 'invoice.payment_failed'])
  invoiceAny(event: StripeLike, context: WebhookEventContext) {
    this.log.steps.push('invoiceAny');
    if (event.data?.object?.failOnce && !this.log.failedOnce.has(event.id)) {
      this.log.failedOnce.add(event.id);
      throw new Error(`invoiceAny failed on ${event.id}`);
    }
    this.log.record('billing.invoiceAny', event, context);
  }

  @OnWebhookEvent('stripeConnect', 'invoice.paid')
  connectInvoicePaid(event: StripeLike, context: WebhookEventContext) {
    this.log.record('billing.connectInvoicePaid', event, context);
  }
}

@Module({ providers: [BillingHandlers] })
export class BillingModule {}

@Injectable()
export class AuditHandlers {
  constructor(private readonly log: EventLog) {}

  /** Every Stripe event, and (twice decorated, run once) invoice.paid. */
  @OnWebhookEvent('stripe', '*')
  @OnWebhookEvent('stripe', 'invoice.paid')
  everyStripeEvent(event: unknown, context: WebhookEventContext) {
    this.log.steps.push('audit');
    this.log.record('audit.everyStripeEvent', event, context);
  }
}

@Module({ providers: [AuditHandlers] })
export class AuditModule {}

@Injectable()
export class IntegrationHandlers {
  constructor(private readonly log: EventLog) {}

  @OnWebhookEvent('github', 'issues.opened')
  issueOpened(event: unknown, context: WebhookEventContext) {
    this.log.record('github.issueOpened', event, context);
  }

  @OnWebhookEvent('github', 'pull_request.opened')
  pullRequestOpened(event: unknown, context: WebhookEventContext) {
    this.log.record('github.pullRequestOpened', event, context);
  }

  @OnWebhookEvent('github', 'push')
  push(event: unknown, context: WebhookEventContext) {
    this.log.record('github.push', event, context);
  }

  @OnWebhookEvent('shopify', 'orders/create')
  orderCreated(event: unknown, context: WebhookEventContext) {
    this.log.record('shopify.orderCreated', event, context);
  }

  @OnWebhookEvent('slack', 'app_mention')
  appMention(event: unknown, context: WebhookEventContext) {
    this.log.record('slack.appMention', event, context);
  }

  @OnWebhookEvent('standardwebhooks', 'user.created')
  userCreated(event: unknown, context: WebhookEventContext) {
    this.log.record('standardwebhooks.userCreated', event, context);
  }
}

@Module({ providers: [IntegrationHandlers] })
export class IntegrationsModule {}

/** Dispatching routes, one per provider, with empty bodies; one handler of its own; and a route that reads the event itself. */
@Controller('events')
export class EventsController {
  constructor(private readonly log: EventLog) {}

  @Post('stripe')
  @VerifiedWebhook('stripe', { dispatch: true })
  stripe() {}

  @Post('stripe-connect')
  @VerifiedWebhook('stripeConnect', { dispatch: true })
  stripeConnect() {}

  @Post('github')
  @VerifiedWebhook('github', { dispatch: true })
  github() {}

  @Post('shopify')
  @VerifiedWebhook('shopify', { dispatch: true })
  shopify() {}

  @Post('slack')
  @VerifiedWebhook('slack', { dispatch: true })
  slack() {}

  @Post('standardwebhooks')
  @VerifiedWebhook('standardwebhooks', { dispatch: true })
  standardWebhooks() {}

  /** The route handler runs after the event handlers, and what it returns is the response. */
  @Post('stripe-with-answer')
  @VerifiedWebhook('stripe', { dispatch: true })
  stripeWithAnswer(@WebhookEvent() { eventType }: VerifiedWebhookEvent) {
    return { received: eventType, handled: this.log.handlers.length };
  }

  /** Neither dispatch nor the event: the route only verifies. */
  @Post('stripe-plain')
  @HttpCode(200)
  @VerifiedWebhook('stripe')
  stripePlain() {}

  /** No dispatch: the route reads the event itself. */
  @Post('stripe-param')
  @VerifiedWebhook('stripe')
  stripeParam(@WebhookEvent() verified: VerifiedWebhookEvent) {
    const { provider, eventType, deliveryId, event } = verified;
    // As an object literal's: a plain object, whose delivery id a route may delete before it hands the object on.
    const plain = Object.getPrototypeOf(verified) === Object.prototype;
    const configurable = Object.getOwnPropertyDescriptor(verified, 'deliveryId')?.configurable;
    return { provider, eventType, deliveryId, event, signed: typeof verified.headers['stripe-signature'], plain, configurable };
  }

  /** A handler on a controller: controllers are searched as well as providers. */
  @OnWebhookEvent('stripe', 'invoice.paid')
  controllerHandler(event: unknown, context: WebhookEventContext) {
    this.log.steps.push('controller');
    this.log.record('controller.controllerHandler', event, context);
  }
}

/** Captures debug lines as well. */
export class DebugCapturingLogger extends CapturingLogger {
  override debug(message: unknown) {
    this.lines.push({ level: 'debug', message: String(message) });
  }
}

export interface EventsTestApp {
  readonly app: INestApplication;
  readonly log: EventLog;
  readonly logger: DebugCapturingLogger;
}

/** The events app: handlers in three modules and on the controller, on Express or Fastify. */
export async function createEventsApp(
  webhookModule: DynamicModule,
  adapter: Adapter,
  {
    imports = [BillingModule, AuditModule, IntegrationsModule],
    controllers = [EventsController],
    providers = [],
  }: { imports?: Type[]; controllers?: Type[]; providers?: Type[] } = {},
): Promise<EventsTestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [webhookModule, EventLogModule, ...imports],
    controllers,
    providers,
  }).compile();
  const logger = new DebugCapturingLogger();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { rawBody: true, logger })
      : moduleRef.createNestApplication({ rawBody: true, logger });
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return { app, log: app.get(EventLog), logger };
}

/** The event log, shared by every module of the app. */
@Module({ providers: [EventLog], exports: [EventLog] })
class EventLogModuleDefinition {}
const EventLogModule: DynamicModule = { module: EventLogModuleDefinition, global: true };
