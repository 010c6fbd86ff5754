import { ConsoleLogger, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ClassLevelController, DeliveryLog, WebhooksController } from './webhooks.controller.js';

/** Secrets of the test app's providers. */
export const SECRETS = {
  trophy: 'trophy-test-secret',
  fullup: 'fullup-test-secret',
  noyo: 'noyo-test-key',
  signalwire: 'PSK_test_signing_key',
} as const;

/** Captures what the app logs, to assert on it. */
export class CapturingLogger extends ConsoleLogger {
  readonly lines: { level: string; message: string }[] = [];
  override log(message: unknown) {
    this.lines.push({ level: 'log', message: String(message) });
  }
  override warn(message: unknown) {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  override error(message: unknown) {
    this.lines.push({ level: 'error', message: String(message) });
  }
}

/** The HTTP adapters the e2e scenarios run on. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type Adapter = (typeof ADAPTERS)[number];

export interface TestApp {
  readonly app: INestApplication;
  readonly log: DeliveryLog;
  readonly logger: CapturingLogger;
}

/** A Nest app with the webhook controllers and the given WebhookSecurityModule import, on Express unless told. */
export async function createApp(
  webhookModule: DynamicModule,
  {
    rawBody = true,
    controllers = [WebhooksController, ClassLevelController],
    imports = [],
    adapter = 'express',
    beforeInit,
    providers = [],
  }: {
    rawBody?: boolean;
    providers?: Type[];
    controllers?: Type[];
    imports?: Type[];
    adapter?: Adapter;
    beforeInit?: (app: INestApplication) => void;
  } = {},
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [webhookModule, ...imports],
    controllers,
    providers: [DeliveryLog, ...providers],
  }).compile();
  const logger = new CapturingLogger();
  const app =
    adapter === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { rawBody, logger }) : moduleRef.createNestApplication({ rawBody, logger });
  beforeInit?.(app);
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return { app, log: app.get(DeliveryLog), logger };
}
