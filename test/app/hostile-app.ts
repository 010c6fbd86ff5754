import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Body, Controller, HttpCode, Post, Req, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { VerifiedWebhook, WebhookSecurityModule, type RawBodyRequest } from '../../src/index.js';
import { CapturingLogger, SECRETS } from './create-app.js';
import { DeliveryLog, WebhooksController } from './webhooks.controller.js';

/** Body limit of the hostile-input app: the guard's maxBodyBytes and the JSON and form parsers' limit alike. */
export const BODY_LIMIT = 64 * 1024;
/** Server timeouts of the hostile-input app, small so a trickled request is cut quickly. */
export const HEADERS_TIMEOUT_MS = 500;
export const REQUEST_TIMEOUT_MS = 1_000;
/** A request with this header reaches the routes only once its connection has closed. */
export const HOLD_UNTIL_CLOSED = 'x-test-hold-until-closed';
/** Server event with the status the app answered a held request with. */
export const HELD_REQUEST_ANSWERED = 'test:held-request-answered';
/** Secret of a second provider on the Fullup scheme. */
export const FULLUP_EU_SECRET = 'fullup-eu-test-secret';
/** Secret of the Stripe provider. */
export const STRIPE_SECRET = 'whsec_stripe_test_secret';

/** Routes beside the vendors' own: a second Fullup provider, a second Fullup and SignalWire route, and Stripe. */
@Controller('other')
export class OtherRoutesController {
  constructor(private readonly log: DeliveryLog) {}

  @Post('fullup-eu')
  @HttpCode(200)
  @VerifiedWebhook('fullupEu')
  fullupEu(@Body() body: unknown, @Req() request: RawBodyRequest) {
    this.log.deliveries.push({ provider: 'fullupEu', body, rawBody: request.rawBody?.toString('utf8') });
  }

  @Post('fullup-again')
  @HttpCode(200)
  @VerifiedWebhook('fullup')
  fullupAgain(@Body() body: unknown, @Req() request: RawBodyRequest) {
    this.log.deliveries.push({ provider: 'fullup-again', body, rawBody: request.rawBody?.toString('utf8') });
  }

  @Post('stripe')
  @HttpCode(200)
  @VerifiedWebhook('stripe')
  stripe(@Body() body: unknown, @Req() request: RawBodyRequest) {
    this.log.deliveries.push({ provider: 'stripe', body, rawBody: request.rawBody?.toString('utf8') });
  }

  @Post('signalwire-again')
  @HttpCode(200)
  @VerifiedWebhook('signalwire')
  signalwireAgain(@Body() body: unknown, @Req() request: RawBodyRequest) {
    this.log.deliveries.push({ provider: 'signalwire-again', body, rawBody: request.rawBody?.toString('utf8') });
  }
}

export interface HostileApp {
  readonly app: INestApplication;
  readonly server: Server;
  readonly port: number;
  readonly log: DeliveryLog;
  readonly logger: CapturingLogger;
}

/**
 * The test app behind the hostile-input catalogue, listening on 127.0.0.1:
 * the providers of the other e2e tests plus Stripe and a second Fullup provider, body limits of
 * {@link BODY_LIMIT} on the guard and on the parsers, and small server timeouts.
 * `inflate: false` makes the parsers refuse compressed bodies.
 */
export async function startHostileApp({
  rawBody = true,
  inflate = true,
}: Pick<NestApplicationOptions, 'rawBody'> & { inflate?: boolean } = {}): Promise<HostileApp> {
  const providers = Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }]));
  const moduleRef = await Test.createTestingModule({
    imports: [
      WebhookSecurityModule.forRoot({
        maxBodyBytes: BODY_LIMIT,
        providers: { ...providers, fullupEu: { scheme: 'fullup', secret: FULLUP_EU_SECRET }, stripe: { secret: STRIPE_SECRET } },
      }),
    ],
    controllers: [WebhooksController, OtherRoutesController],
    providers: [DeliveryLog],
  }).compile();
  const logger = new CapturingLogger();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ rawBody, logger });
  // Registered before init, so they take the place of Nest's default parsers.
  app.useBodyParser('json', { limit: BODY_LIMIT, inflate });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, inflate, extended: true });

  const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
  // Stands in for slow middleware (an auth lookup, say): holds a request until its client has gone,
  // then reports the status the app answers with, which no client is left to read.
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (request.headers[HOLD_UNTIL_CLOSED] === undefined) return next();
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      server.emit(HELD_REQUEST_ANSWERED, response.statusCode);
      return end(...args);
    }) as ServerResponse['end'];
    request.socket.once('close', () => next());
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  // Read when the server starts listening; Node's default checks timeouts every 30 s.
  server.connectionsCheckingInterval = 100;
  await app.listen(0, '127.0.0.1');
  return { app, server, port: (server.address() as { port: number }).port, log: app.get(DeliveryLog), logger };
}
