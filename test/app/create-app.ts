import { ConsoleLogger, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
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

export interface TestApp {
  readonly app: INestApplication;
  readonly log: DeliveryLog;
  readonly logger: CapturingLogger;
}

/** A Nest app with the webhook controllers and the given WebhookSecurityModule import. */
export async function createApp(
  webhookModule: DynamicModule,
  {
    rawBody = true,
    controllers = [WebhooksController, ClassLevelController],
    imports = [],
  }: { rawBody?: boolean; controllers?: Type[]; imports?: Type[] } = {},
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [webhookModule, ...imports],
    controllers,
    providers: [DeliveryLog],
  }).compile();
  const logger = new CapturingLogger();
  const app = moduleRef.createNestApplication({ rawBody, logger });
  await app.init();
  return { app, log: app.get(DeliveryLog), logger };
}
