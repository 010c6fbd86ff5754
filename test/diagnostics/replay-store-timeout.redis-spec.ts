import diagnosticsChannel from 'node:diagnostics_channel';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import Stripe from 'stripe';
import type { Redis } from 'ioredis';
import {
  enableWebhookTelemetry,
  GitHubVerifier,
  RedisReplayStore,
  StripeVerifier,
  WebhookSecurityModule,
  type WebhookReplayMessage,
  type WebhookTelemetry,
} from '../../src/index.js';
import { previousReplayKey, replayKey } from '../../src/replay/webhook-delivery.js';
import { ADAPTERS } from '../app/create-app.js';
import { connect, startRedisServer, type OwnRedisServer } from '../replay/redis-server.js';
import { REPLAY_SECRETS, createReplayApp, post, type ReplayTestApp } from '../replay/replay-app.js';

const replay = diagnosticsChannel.channel('nestjs-webhook-security:replay');
const CLAIM_TIMEOUT_MS = 300;
const KEY_PREFIX = 'timeout:';

/** `attribute=value` pairs of a metric point, sorted, with its count: a stable key to compare. */
function summary(point: DataPoint<unknown>): string {
  const value = typeof point.value === 'number' ? point.value : (point.value as Histogram).count;
  const attributes = Object.entries(point.attributes)
    .map(([key, attribute]) => `${key}=${String(attribute)}`)
    .sort()
    .join(' ');
  return `${attributes} => ${value}`;
}

/**
 * A real redis-server, frozen with SIGSTOP while deliveries arrive: the claim
 * is sent and never answered, so only `claimTimeoutMs` ends it. Stripe
 * deliveries fail closed, GitHub's fail open.
 */
describe.each(ADAPTERS)('A replay store that does not answer in time, on %s', (adapter) => {
  const run = `${process.pid}_${Date.now()}_${adapter}`;
  const messages: WebhookReplayMessage[] = [];
  const onReplay = (message: unknown) => messages.push(message as WebhookReplayMessage);
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  let server: OwnRedisServer;
  let client: Redis;
  let t: ReplayTestApp;
  let telemetry: WebhookTelemetry;

  const stripeBody = (id: string) => JSON.stringify({ id, object: 'event', type: 'invoice.paid' });
  /** Signed by Stripe's own SDK. */
  const stripeHeaders = (body: string) => ({
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: REPLAY_SECRETS.stripe }),
  });
  const warmUp = stripeBody(`evt_warm_up_${run}`);
  const closed = stripeBody(`evt_closed_${run}`);
  const open = JSON.stringify({ id: `github_open_${run}` });
  let openHeaders: Record<string, string>;
  let closedHeaders: Record<string, string>;
  let responses: { warmUp: { status: number; text: string }; closed: { status: number; text: string }; open: { status: number; text: string } };

  beforeAll(async () => {
    server = await startRedisServer();
    client = connect(server.url);
    // Errors while the server is frozen are expected.
    client.on('error', () => {});
    const store = new RedisReplayStore(client);
    t = await createReplayApp(
      WebhookSecurityModule.forRoot({
        providers: {
          ...Object.fromEntries(Object.entries(REPLAY_SECRETS).map(([name, secret]) => [name, { secret }])),
          stripe: { secret: REPLAY_SECRETS.stripe, replay: { store, keyPrefix: KEY_PREFIX, claimTimeoutMs: CLAIM_TIMEOUT_MS } },
          github: { secret: REPLAY_SECRETS.github, replay: { store, keyPrefix: KEY_PREFIX, claimTimeoutMs: CLAIM_TIMEOUT_MS, failOpen: true } },
        },
      }),
      adapter,
    );
    replay.subscribe(onReplay);
    telemetry = await enableWebhookTelemetry({ meterProvider });

    const warmUpResponse = await post(`${t.baseUrl}/webhooks/stripe`, warmUp, stripeHeaders(warmUp));
    closedHeaders = stripeHeaders(closed);
    // Signed by GitHub's own @octokit/webhooks-methods.
    openHeaders = { 'x-hub-signature-256': await octokitSign(REPLAY_SECRETS.github, open), 'x-github-delivery': `delivery-${run}` };
    server.pause();
    try {
      const [closedResponse, openResponse] = await Promise.all([
        post(`${t.baseUrl}/webhooks/stripe`, closed, closedHeaders),
        post(`${t.baseUrl}/webhooks/github`, open, openHeaders),
      ]);
      responses = { warmUp: warmUpResponse, closed: closedResponse, open: openResponse };
    } finally {
      server.resume();
    }
  }, 30_000);

  afterAll(async () => {
    replay.unsubscribe(onReplay);
    telemetry?.disable();
    await t?.app.close();
    client?.disconnect();
    await server?.stop();
    await meterProvider.shutdown();
  });

  it('answers 503 without running the handler, or runs it unchecked under failOpen', () => {
    expect(responses).toEqual({
      warmUp: { status: 200, text: JSON.stringify({ handled: `evt_warm_up_${run}` }) },
      closed: { status: 503, text: expect.stringContaining('Webhook replay protection is unavailable') },
      open: { status: 200, text: JSON.stringify({ handled: `github_open_${run}` }) },
    });
    expect(t.log.attempts).toEqual([`evt_warm_up_${run}`, `github_open_${run}`]);
  });

  it('publishes store_timeout for each claim the store did not answer, with failOpen and the timeout error type', () => {
    const route = (provider: string) => `/webhooks/${provider}`;
    expect(messages.map(({ provider, decision }) => `${provider} ${decision}`)).toEqual([
      'stripe claimed',
      expect.stringMatching(/^(stripe|github) store_timeout$/),
      expect.stringMatching(/^(stripe|github) store_timeout$/),
    ]);
    const timeouts = messages.filter(({ decision }) => decision === 'store_timeout').sort((a, b) => a.provider.localeCompare(b.provider));
    expect(timeouts).toEqual(
      ['github', 'stripe'].map((provider) => ({
        provider,
        method: 'POST',
        route: route(provider),
        decision: 'store_timeout',
        hasDeliveryId: true,
        operation: 'claim',
        storeDurationMs: expect.any(Number),
        failOpen: provider === 'github',
        errorType: 'ReplayStoreTimeoutError',
      })),
    );
  });

  it('records store_timeout in the OpenTelemetry replay metrics', async () => {
    const { resourceMetrics } = await reader.collect();
    const metric = (name: string) =>
      (resourceMetrics.scopeMetrics.flatMap(({ metrics }) => metrics).find(({ descriptor }) => descriptor.name === name)?.dataPoints ??
        []) as DataPoint<unknown>[];
    const timeout = (provider: string) =>
      `error.type=ReplayStoreTimeoutError http.route=/webhooks/${provider} webhook.provider=${provider} webhook.replay.decision=store_timeout => 1`;
    expect(metric('webhook.replay.decisions').map(summary).sort()).toEqual(
      [timeout('github'), timeout('stripe'), 'http.route=/webhooks/stripe webhook.provider=stripe webhook.replay.decision=claimed => 1'].sort(),
    );
    expect(metric('webhook.replay.store.duration').map(summary).sort()).toEqual([
      'error.type=ReplayStoreTimeoutError webhook.provider=github webhook.replay.decision=store_timeout webhook.replay.operation=claim => 1',
      'error.type=ReplayStoreTimeoutError webhook.provider=stripe webhook.replay.decision=store_timeout webhook.replay.operation=claim => 1',
      'webhook.provider=stripe webhook.replay.decision=claimed webhook.replay.operation=claim => 1',
    ]);
  });

  it('never publishes, records or logs a delivery id, a store key, a signature or a secret', async () => {
    const { resourceMetrics } = await reader.collect();
    const published = JSON.stringify([messages, resourceMetrics, t.logger.lines]);
    expect(published).toContain('store_timeout');
    // The ids replay protection keyed the two deliveries on, as each scheme reads them, and their store keys.
    const deliveryIds = {
      stripe: new StripeVerifier().deliveryId({ rawBody: Buffer.from(closed), headers: closedHeaders, url: '' })!,
      github: new GitHubVerifier().deliveryId({ rawBody: Buffer.from(open), headers: openHeaders, url: '' })!,
    };
    const keys = Object.entries(deliveryIds).flatMap(([provider, id]) => [replayKey(KEY_PREFIX, provider, id), previousReplayKey(KEY_PREFIX, provider, id)]);
    const signatures = [
      closedHeaders['stripe-signature']!,
      ...closedHeaders['stripe-signature']!.split(/[,=]/).filter((part) => part.length >= 16),
      openHeaders['x-hub-signature-256']!,
    ];
    const sensitive = [
      `evt_closed_${run}`,
      `github_open_${run}`,
      `delivery-${run}`,
      ...Object.values(deliveryIds),
      ...keys,
      ...keys.map((key) => key.slice(KEY_PREFIX.length)),
      ...signatures,
      REPLAY_SECRETS.stripe,
      REPLAY_SECRETS.github,
    ];
    expect(sensitive).toHaveLength(18);
    for (const value of sensitive) expect({ value, published: published.includes(value) }).toEqual({ value, published: false });
  });
});
