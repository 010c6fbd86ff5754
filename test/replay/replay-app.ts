import { Body, Controller, HttpCode, HttpException, ParseIntPipe, Post, Query, Res, type DynamicModule, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { VerifiedWebhook } from '../../src/index.js';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CapturingLogger, SECRETS, type Adapter } from '../app/create-app.js';

/** Secrets of every provider the replay app verifies. */
export const REPLAY_SECRETS = {
  ...SECRETS,
  stripe: 'whsec_replay_test_secret',
  github: "It's a Secret to Everybody",
} as const;

/** What the test vendors send: an event id, and switches that make the handler fail or wait. */
export interface TestEvent {
  readonly id: string;
  /** The handler throws on this event's first attempt, and succeeds on the next. */
  readonly failOnce?: boolean;
  /** The handler waits this long before it fails or records the event, to overlap concurrent deliveries. */
  readonly delayMs?: number;
}

/** Records what reached the handlers of one app instance. */
export class HandlerLog {
  /** Every call of a handler, including those that threw. */
  readonly attempts: string[] = [];
  /** Every call that completed. */
  readonly handled: string[] = [];
}

/** Events that already failed once, shared by every instance, as one downstream system would be. */
export const failedOnce = new Set<string>();

async function handle(log: HandlerLog, event: TestEvent): Promise<{ handled: string }> {
  log.attempts.push(event.id);
  if (event.delayMs) await new Promise((resolve) => setTimeout(resolve, event.delayMs));
  if (event.failOnce && !failedOnce.has(event.id)) {
    failedOnce.add(event.id);
    throw new Error(`handler failed on ${event.id}`);
  }
  log.handled.push(event.id);
  return { handled: event.id };
}

@Controller('webhooks')
export class ReplayWebhooksController {
  constructor(private readonly log: HandlerLog) {}

  @Post('noyo')
  @HttpCode(200)
  @VerifiedWebhook('noyo')
  noyo(@Body() body: { event?: TestEvent; data: TestEvent }) {
    return handle(this.log, body.event ?? body.data);
  }

  @Post('fullup')
  @HttpCode(200)
  @VerifiedWebhook('fullup')
  fullup(@Body() body: TestEvent) {
    return handle(this.log, body);
  }

  /** No `@HttpCode`: Nest's default for POST is 201, which a duplicate must not get. */
  @Post('trophy')
  @VerifiedWebhook('trophy')
  trophy(@Body() body: TestEvent) {
    return handle(this.log, body);
  }

  @Post('stripe')
  @HttpCode(200)
  @VerifiedWebhook('stripe')
  stripe(@Body() body: TestEvent) {
    return handle(this.log, body);
  }

  @Post('github')
  @HttpCode(200)
  @VerifiedWebhook('github')
  github(@Body() body: TestEvent) {
    return handle(this.log, body);
  }

  @Post('signalwire')
  @HttpCode(200)
  @VerifiedWebhook('signalwire')
  signalwire(@Body() body: TestEvent) {
    return handle(this.log, body);
  }
}

/** Every route of the controller verified, and deduplicated, by one class-level decorator. */
@Controller('class-level')
@VerifiedWebhook('fullup')
export class ClassLevelReplayController {
  constructor(private readonly log: HandlerLog) {}

  @Post()
  @HttpCode(200)
  handle(@Body() body: TestEvent) {
    return handle(this.log, body);
  }
}

/** The same decorator on the controller and on its method: guard and interceptor are attached twice. */
@Controller('both-levels')
@VerifiedWebhook('fullup')
export class BothLevelsReplayController {
  constructor(private readonly log: HandlerLog) {}

  @Post()
  @HttpCode(200)
  @VerifiedWebhook('fullup')
  handle(@Body() body: TestEvent) {
    return handle(this.log, body);
  }
}

/**
 * One route per way a response can fail, all verified as Fullup, whose id is
 * the signed body: each test sends its own event id.
 */
@Controller('outcomes')
@VerifiedWebhook('fullup')
export class OutcomesController {
  constructor(private readonly log: HandlerLog) {}

  /** Throws an `HttpException` with `event.status` on the event's first attempt. */
  @Post('http-exception')
  @HttpCode(200)
  httpException(@Body() body: TestEvent & { status: number }) {
    if (!failedOnce.has(body.id)) {
      this.log.attempts.push(body.id);
      failedOnce.add(body.id);
      throw new HttpException('Downstream refused the event', body.status);
    }
    return handle(this.log, body);
  }

  /** Completes, but its status is `@HttpCode(503)`. */
  @Post('http-code-503')
  @HttpCode(503)
  httpCode(@Body() body: TestEvent) {
    return handle(this.log, body);
  }

  /** Completes with `@HttpCode(202)`: a success. */
  @Post('accepted')
  @HttpCode(202)
  accepted(@Body() body: TestEvent) {
    return handle(this.log, body);
  }

  /** Answers through `@Res()` with the status in `event.status`. */
  @Post('res')
  async res(@Body() body: TestEvent & { status: number }, @Res() res: { status(code: number): { send(body: string): void } }) {
    await handle(this.log, body);
    res.status(body.status).send(`status ${body.status}`);
  }

  /** A pipe rejects an unsigned query parameter `n` that is not a whole number, before the handler runs. */
  @Post('pipe')
  @HttpCode(200)
  pipe(@Body() body: TestEvent, @Query('n', ParseIntPipe) _n: number) {
    return handle(this.log, body);
  }
}

export interface ReplayTestApp {
  readonly app: INestApplication;
  readonly log: HandlerLog;
  readonly logger: CapturingLogger;
  /** Base URL of the listening server, e.g. `http://127.0.0.1:43123`. */
  readonly baseUrl: string;
}

/** A listening app instance with the replay controllers and the given WebhookSecurityModule import. */
export async function createReplayApp(webhookModule: DynamicModule, adapter: Adapter = 'express'): Promise<ReplayTestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [webhookModule],
    controllers: [ReplayWebhooksController, ClassLevelReplayController, BothLevelsReplayController, OutcomesController],
    providers: [HandlerLog],
  }).compile();
  const logger = new CapturingLogger();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { rawBody: true, logger })
      : moduleRef.createNestApplication({ rawBody: true, logger });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, log: app.get(HandlerLog), logger, baseUrl: `http://127.0.0.1:${port}` };
}

/** Posts `body` exactly as given, with `headers`; returns the status and the body text. */
export async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text() };
}
