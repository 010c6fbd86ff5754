import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve('.');

/**
 * An app that installed the package and its Nest peers, but not
 * `@opentelemetry/api`: verification, replay protection and `telemetry: 'auto'`
 * work, `telemetry: true` fails at startup naming the fix. `%LOAD%` is
 * replaced by `require` or `await import`.
 */
const SCRIPT = `
%LOAD_REFLECT%
const channels = %LOAD%('node:diagnostics_channel');
const { Controller, HttpCode, Module, Post } = %LOAD%('@nestjs/common');
const { NestFactory } = %LOAD%('@nestjs/core');
const { VerifiedWebhook, WebhookSecurityModule, enableWebhookTelemetry } = %LOAD%('nestjs-webhook-security');
const { signWebhook } = %LOAD%('nestjs-webhook-security/testing');

const SECRET = 'no-telemetry-secret';
const result = {};
try {
  %RESOLVE_API%
  result.apiResolves = true;
} catch {
  result.apiResolves = false;
}

function appModule(telemetry) {
  class Hooks {
    handle() {
      return { ok: true };
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(Hooks.prototype, 'handle');
  for (const decorate of [Post('fullup'), HttpCode(200), VerifiedWebhook('fullup')]) decorate(Hooks.prototype, 'handle', descriptor);
  Controller('webhooks')(Hooks);
  class AppModule {}
  Module({ imports: [WebhookSecurityModule.forRoot({ telemetry, replay: {}, providers: { fullup: { secret: SECRET } } })], controllers: [Hooks] })(AppModule);
  return AppModule;
}

const app = await NestFactory.create(appModule('auto'), { rawBody: true, logger: false });
await app.listen(0, '127.0.0.1');
const url = 'http://127.0.0.1:' + app.getHttpServer().address().port + '/webhooks/fullup';
const post = async (body, headers) =>
  (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })).status;
const body = JSON.stringify({ id: 'evt_1' });
const signed = signWebhook('fullup', { secret: SECRET, body });
result.statuses = [await post(body, signed), await post(body, signed), await post(body, { 'fullup-signature': 'ab'.repeat(32) })];
result.subscribed = ['verify', 'replay'].map((name) =>
  name === 'verify' ? channels.tracingChannel('nestjs-webhook-security:verify').start.hasSubscribers : channels.channel('nestjs-webhook-security:' + name).hasSubscribers,
);
await app.close();

try {
  const strict = await NestFactory.create(appModule(true), { rawBody: true, logger: false, abortOnError: false });
  await strict.init();
  result.strict = 'started';
} catch (error) {
  result.strict = error.name + ': ' + error.message;
}
result.enable = await enableWebhookTelemetry().then(() => 'enabled', (error) => error.name);
console.log(JSON.stringify(result));
`;

/**
 * An app that installed `@opentelemetry/api` and the metrics SDK: with
 * `telemetry: true`, the built package loads the API and records into the
 * SDK's global meter provider.
 */
const OTEL_SCRIPT = `
%LOAD_REFLECT%
const { Controller, HttpCode, Module, Post } = %LOAD%('@nestjs/common');
const { NestFactory } = %LOAD%('@nestjs/core');
const { metrics } = %LOAD%('@opentelemetry/api');
const { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } = %LOAD%('@opentelemetry/sdk-metrics');
const { VerifiedWebhook, WebhookSecurityModule } = %LOAD%('nestjs-webhook-security');
const { signWebhook } = %LOAD%('nestjs-webhook-security/testing');

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3600000 });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

const SECRET = 'telemetry-secret';
class Hooks {
  handle() {
    return { ok: true };
  }
}
const descriptor = Object.getOwnPropertyDescriptor(Hooks.prototype, 'handle');
for (const decorate of [Post('fullup'), HttpCode(200), VerifiedWebhook('fullup')]) decorate(Hooks.prototype, 'handle', descriptor);
Controller('webhooks')(Hooks);
class AppModule {}
Module({ imports: [WebhookSecurityModule.forRoot({ telemetry: true, providers: { fullup: { secret: SECRET } } })], controllers: [Hooks] })(AppModule);

const app = await NestFactory.create(AppModule, { rawBody: true, logger: false });
await app.listen(0, '127.0.0.1');
const url = 'http://127.0.0.1:' + app.getHttpServer().address().port + '/webhooks/fullup';
const post = async (body, headers) =>
  (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })).status;
const body = JSON.stringify({ id: 'evt_1' });
const statuses = [await post(body, signWebhook('fullup', { secret: SECRET, body })), await post(body, { 'fullup-signature': 'ab'.repeat(32) })];
await reader.forceFlush();
const counted = exporter.getMetrics().at(-1).scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === 'webhook.verifications');
await app.close();
console.log(JSON.stringify({ statuses, verifications: counted.dataPoints.map(({ attributes, value }) => attributes['webhook.outcome'] + ' ' + value).sort() }));
`;

function script(format: 'cjs' | 'mjs', source = SCRIPT): string {
  const cjs = format === 'cjs';
  const body = source
    .replaceAll('%LOAD_REFLECT%', cjs ? "require('reflect-metadata');" : "await import('reflect-metadata');")
    .replaceAll('%LOAD%(', cjs ? 'require(' : 'await import(')
    .replaceAll('%RESOLVE_API%', cjs ? "require.resolve('@opentelemetry/api');" : "import.meta.resolve('@opentelemetry/api');");
  // CommonJS has no top-level await.
  return cjs ? `(async () => {${body}})().catch((error) => { console.error(error); process.exit(1); });` : body;
}

/** An app directory whose node_modules holds a copy of the built package and links to `installed` from this repository. */
function appDirectory(root: string, name: string, build: string, installed: readonly string[]): string {
  const dir = join(root, name);
  const modules = join(dir, 'node_modules');
  // Copied, not linked: a link would resolve to this repository, whose node_modules has @opentelemetry/api.
  cpSync(build, join(modules, 'nestjs-webhook-security'), { recursive: true });
  for (const scope of ['@nestjs', '@opentelemetry']) mkdirSync(join(modules, scope), { recursive: true });
  for (const name of installed) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
  return dir;
}

/** The peers, and what a Nest app installs beside them. */
const NEST = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs'];

describe('the built package, from an app directory', () => {
  let root: string;
  let bare: string;
  let withApi: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'webhook-no-otel-'));
    const build = join(root, 'build');
    await Promise.all([
      run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(build, 'dist/esm')], { cwd: ROOT }),
      run('npx', ['tsc', '-p', 'tsconfig.cjs.json', '--outDir', join(build, 'dist/cjs')], { cwd: ROOT }),
    ]);
    writeFileSync(join(build, 'dist/cjs/package.json'), '{"type":"commonjs"}');
    cpSync(join(ROOT, 'package.json'), join(build, 'package.json'));
    bare = appDirectory(root, 'bare', build, NEST);
    withApi = appDirectory(root, 'with-api', build, [...NEST, '@opentelemetry/api', '@opentelemetry/sdk-metrics']);
    for (const format of ['cjs', 'mjs'] as const) {
      writeFileSync(join(bare, `app.${format}`), script(format));
      writeFileSync(join(withApi, `app.${format}`), script(format, OTEL_SCRIPT));
    }
  }, 240_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the built package never imports @opentelemetry/api in its types, so TypeScript apps without it compile', () => {
    const dist = join(bare, 'node_modules/nestjs-webhook-security/dist');
    const declarations = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(50);
    expect(declarations.filter((file) => /(from|import\()\s*['"]@opentelemetry/.test(readFileSync(join(dist, file), 'utf8')))).toEqual([]);
  });

  it.each(['cjs', 'mjs'])(
    'without @opentelemetry/api, app.%s verifies, deduplicates and rejects; auto stays off; true fails at startup naming the fix',
    async (format) => {
      const { stdout } = await run(process.execPath, [`app.${format}`], { cwd: bare });
      expect(JSON.parse(stdout)).toEqual({
        apiResolves: false,
        statuses: [200, 200, 401],
        subscribed: [false, false],
        strict: expect.stringMatching(
          /^WebhookSecurityConfigurationError: Webhook telemetry needs @opentelemetry\/api, which is not installed\. Run `npm install @opentelemetry\/api`/,
        ),
        enable: 'WebhookSecurityConfigurationError',
      });
    },
    60_000,
  );

  it.each(['cjs', 'mjs'])(
    'with @opentelemetry/api and the SDK, app.%s records its verifications',
    async (format) => {
      const { stdout } = await run(process.execPath, [`app.${format}`], { cwd: withApi });
      expect(JSON.parse(stdout)).toEqual({ statuses: [200, 401], verifications: ['rejected 1', 'verified 1'] });
    },
    60_000,
  );
});
