import { ConsoleLogger, type INestApplication, type LogLevel, type LoggerService } from '@nestjs/common';
import { verifyChannel, type WebhookVerificationMessage } from '../diagnostics/webhook-diagnostics.channels.js';
import type { VerificationFailureReason } from '../verifiers/webhook-verifier.interface.js';
import { WEBHOOK_TEST_SECRETS } from '../webhook-security.constants.js';
import type { WebhookTestSecrets } from '../webhook-security-options.interface.js';

export { WEBHOOK_TEST_SECRETS } from '../webhook-security.constants.js';
export type { WebhookTestSecrets } from '../webhook-security-options.interface.js';

/** What `Test.createTestingModule(...)` returns, before `compile()`: the parts used here. */
export interface TestingModuleBuilderLike {
  overrideProvider(token: string): { useValue(value: unknown): TestingModuleBuilderLike };
  compile(): Promise<TestingModuleLike>;
}

/** A compiled testing module: the part used here. */
export interface TestingModuleLike {
  createNestApplication(...args: never[]): INestApplication;
}

/** Options of {@link createWebhookTestApp}. */
export interface WebhookTestAppOptions<T extends INestApplication = INestApplication> {
  /**
   * Secrets by provider name, in place of the configured ones (which may
   * read environment variables a test does not set). Needs the module
   * builder, before `compile()`. Each is checked as a configured secret is.
   * @example { stripe: 'whsec_test_secret' }
   */
  readonly secrets?: WebhookTestSecrets;
  /** The HTTP adapter, e.g. `new FastifyAdapter()`. @default Express */
  readonly adapter?: unknown;
  /**
   * The app's logger. The default keeps warnings, which Nest's testing
   * logger drops, so that the reason a request was rejected shows in the
   * test output.
   * @default ['error', 'warn']
   */
  readonly logger?: LoggerService | LogLevel[] | false;
  /**
   * Runs before `init()`, to set the app up as `main.ts` does: global pipes,
   * or on Fastify the other content types the sender uses,
   * e.g. `(app) => app.useBodyParser('text/plain')` with
   * `createWebhookTestApp<NestFastifyApplication>(...)`.
   */
  readonly configure?: (app: T) => unknown;
}

/** A request the guard refused, as {@link lastWebhookRejection} reports it. */
export interface WebhookTestRejection {
  /** The provider name of the route. */
  readonly provider: string;
  /** Why the guard refused it. */
  readonly reason: VerificationFailureReason;
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /** The route pattern, e.g. `/webhooks/:tenantId`. */
  readonly route: string;
}

/** The last rejection of each app made by createWebhookTestApp. */
const recorders = new WeakMap<object, { last?: WebhookTestRejection }>();

/**
 * Creates and initialises an app for end-to-end tests of webhook routes, as
 * `main.ts` should: with `{ rawBody: true }`, so that the guard verifies the
 * exact bytes received. With `secrets`, the configured secrets of those
 * providers are replaced by test ones, checked as configured ones are.
 *
 * While the app is open, {@link lastWebhookRejection} tells why the guard
 * refused the last request; the response stays the same generic 401.
 *
 * @example
 * ```ts
 * const app = await createWebhookTestApp(Test.createTestingModule({ imports: [AppModule] }), {
 *   secrets: { stripe: 'whsec_test_secret' },
 * });
 * const { body, headers } = signWebhook({ app, provider: 'stripe' }, { event: { id: 'evt_1', type: 'invoice.paid' } });
 * await request(app.getHttpServer()).post('/webhooks/stripe').set(headers).set('content-type', 'application/json').send(body).expect(200);
 * ```
 */
export async function createWebhookTestApp<T extends INestApplication = INestApplication>(
  module: TestingModuleBuilderLike | TestingModuleLike,
  { secrets, adapter, logger = ['error', 'warn'], configure }: WebhookTestAppOptions<T> = {},
): Promise<T> {
  let compiled: TestingModuleLike;
  if ('compile' in module) {
    compiled = await (secrets ? module.overrideProvider(WEBHOOK_TEST_SECRETS).useValue(secrets) : module).compile();
  } else if (secrets) {
    throw new TypeError(
      'Pass Test.createTestingModule(...) itself, before compile(), to give secrets: ' +
        'createWebhookTestApp(Test.createTestingModule({ imports: [AppModule] }), { secrets }).',
    );
  } else {
    compiled = module;
  }
  const create = (...args: unknown[]) => (compiled.createNestApplication as (...args: unknown[]) => T).apply(compiled, args);
  // An array would only set the levels of Nest's testing logger, which drops warnings whatever they are.
  const options = { rawBody: true, logger: Array.isArray(logger) ? consoleLogger(logger) : logger };
  const app = adapter === undefined ? create(options) : create(adapter, options);
  await configure?.(app);
  await app.init();
  const http = app.getHttpAdapter();
  if (http.getType() === 'fastify') await (http.getInstance() as { ready(): Promise<unknown> }).ready();
  recordRejections(app);
  return app;
}

/** A console logger that prints the given levels. */
function consoleLogger(levels: LogLevel[]): ConsoleLogger {
  const logger = new ConsoleLogger();
  logger.setLogLevels(levels);
  return logger;
}

/**
 * Why the guard refused the last webhook request while `app` was open, or
 * `undefined` when it refused none. For an app made by
 * {@link createWebhookTestApp}; the reason never reaches the HTTP client.
 *
 * @example
 * ```ts
 * const response = await request(app.getHttpServer()).post('/webhooks/stripe').set(headers).send(body);
 * expect(lastWebhookRejection(app)).toBeUndefined();
 * ```
 */
export function lastWebhookRejection(app: INestApplication): WebhookTestRejection | undefined {
  const recorder = recorders.get(app);
  if (!recorder) throw new TypeError('lastWebhookRejection() reads apps made by createWebhookTestApp() only.');
  return recorder.last;
}

/**
 * Listens on the verify channel until the app closes. The channel is the
 * process's: rejections of another app open at the same time count too.
 */
function recordRejections(app: INestApplication): void {
  const recorder: { last?: WebhookTestRejection } = {};
  recorders.set(app, recorder);
  const listener = (message: unknown): void => {
    const { outcome, reason, provider, method, route } = message as WebhookVerificationMessage;
    if (outcome === 'rejected' && reason !== undefined) recorder.last = { provider, reason, method, route };
  };
  verifyChannel.asyncEnd.subscribe(listener);
  const close = app.close.bind(app);
  app.close = async () => {
    verifyChannel.asyncEnd.unsubscribe(listener);
    await close();
  };
}
