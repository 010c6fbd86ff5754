import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind, SpanStatusCode, context, metrics, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { enableWebhookTelemetry, WebhookSecurityConfigurationError, type WebhookTelemetry } from '../../src/index.js';
import { ADAPTERS } from '../app/create-app.js';
import { createDiagnosticsApp, deliveryMix, diagnosticsOptions, sendMix, sensitiveStrings, type Delivery } from './diagnostics-app.js';

let spanExporter: InMemorySpanExporter;
let metricExporter: InMemoryMetricExporter;
let meterProvider: MeterProvider;
let reader: PeriodicExportingMetricReader;
const contextManager = new AsyncLocalStorageContextManager();

/** Registers a fresh SDK as the global one, as an app's tracing bootstrap does. */
function startSdk(): void {
  spanExporter = new InMemorySpanExporter();
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] }));
  context.setGlobalContextManager(contextManager.enable());
}

async function stopSdk(): Promise<void> {
  await meterProvider?.shutdown();
  metrics.disable();
  trace.disable();
  context.disable();
}

/**
 * Stands in for the HTTP server instrumentation: a SERVER span per request,
 * made active for the rest of the request, its emitter bound to it as
 * `@opentelemetry/instrumentation-http` does.
 */
function httpServerSpans(app: INestApplication): void {
  const tracer = trace.getTracer('test-http-server');
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const span = tracer.startSpan(`${req.method} ${req.url}`, { kind: SpanKind.SERVER });
    res.on('finish', () => span.end());
    const active = trace.setSpan(context.active(), span);
    context.bind(active, req);
    context.with(active, next);
  });
}

/** Every data point of a metric, from a fresh collection. */
async function points(name: string): Promise<DataPoint<unknown>[]> {
  await reader.forceFlush();
  const latest = metricExporter.getMetrics().at(-1);
  const metric = latest?.scopeMetrics.flatMap((scope) => scope.metrics).find((candidate) => candidate.descriptor.name === name);
  return metric?.dataPoints ?? [];
}

/** `attribute=value` pairs of a point, sorted, with its count or sum: a stable key to compare. */
function summary(point: DataPoint<unknown>): string {
  const value = typeof point.value === 'number' ? point.value : (point.value as Histogram).count;
  const attributes = Object.entries(point.attributes)
    .map(([key, attribute]) => `${key}=${String(attribute)}`)
    .sort()
    .join(' ');
  return `${attributes} => ${value}`;
}

const VERIFICATIONS = [
  'error.type=missing_header http.request.method=POST http.route=/tenants/:tenant/stripe webhook.outcome=rejected webhook.provider=stripe => 1',
  'error.type=no_matching_signature http.request.method=POST http.route=/tenants/:tenant/stripe webhook.outcome=rejected webhook.provider=stripe => 2',
  'error.type=no_matching_signature http.request.method=POST http.route=/webhooks/standard webhook.outcome=rejected webhook.provider=standard => 1',
  'error.type=ServiceUnavailableException http.request.method=POST http.route=/webhooks/lookup-fails webhook.outcome=error webhook.provider=lookupFails => 1',
  'error.type=timestamp_out_of_tolerance http.request.method=POST http.route=/tenants/:tenant/stripe webhook.outcome=rejected webhook.provider=stripe => 1',
  'http.request.method=POST http.route=/tenants/:tenant/stripe webhook.outcome=verified webhook.provider=stripe => 3',
  'http.request.method=POST http.route=/webhooks/standard webhook.outcome=verified webhook.provider=standard => 4',
  'http.request.method=POST http.route=/webhooks/store-down webhook.outcome=verified webhook.provider=storeDown => 1',
].sort();

const REPLAY_DECISIONS = [
  'http.route=/tenants/:tenant/stripe webhook.provider=stripe webhook.replay.decision=claimed => 2',
  'http.route=/tenants/:tenant/stripe webhook.provider=stripe webhook.replay.decision=duplicate => 1',
  'http.route=/webhooks/standard webhook.provider=standard webhook.replay.decision=claimed => 3',
  'http.route=/webhooks/standard webhook.provider=standard webhook.replay.decision=duplicate => 1',
  'http.route=/webhooks/standard webhook.provider=standard webhook.replay.decision=released => 1',
  'error.type=Error http.route=/webhooks/store-down webhook.provider=storeDown webhook.replay.decision=store_error => 1',
].sort();

const STORE_CALLS = [
  'webhook.provider=stripe webhook.replay.decision=claimed webhook.replay.operation=claim => 2',
  'webhook.provider=stripe webhook.replay.decision=duplicate webhook.replay.operation=claim => 1',
  'webhook.provider=standard webhook.replay.decision=claimed webhook.replay.operation=claim => 3',
  'webhook.provider=standard webhook.replay.decision=duplicate webhook.replay.operation=claim => 1',
  'webhook.provider=standard webhook.replay.decision=released webhook.replay.operation=release => 1',
  'error.type=Error webhook.provider=storeDown webhook.replay.decision=store_error webhook.replay.operation=claim => 1',
].sort();

describe.each(ADAPTERS)('OpenTelemetry with the SDK on %s', (adapter) => {
  let app: INestApplication | undefined;
  let mix: Delivery[];
  beforeEach(() => startSdk());
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await stopSdk();
  });

  const run = async (telemetry: true | 'auto') => {
    app = await createDiagnosticsApp(diagnosticsOptions({ telemetry }), adapter, httpServerSpans);
    mix = deliveryMix();
    await sendMix(app, mix);
  };

  it('counts every verification by provider, route pattern, outcome and typed reason', async () => {
    await run(true);
    expect((await points('webhook.verifications')).map(summary).sort()).toEqual(VERIFICATIONS);
    // One duration per verification, with the same attributes, in seconds.
    const durations = await points('webhook.verification.duration');
    expect(durations.map(summary).sort()).toEqual(VERIFICATIONS);
    for (const point of durations) {
      const histogram = point.value as Histogram;
      expect(histogram.sum! / histogram.count).toBeGreaterThan(0);
      expect(histogram.max).toBeLessThan(5);
      expect(histogram.buckets.boundaries[0]).toBe(0.0001);
    }
  });

  it('counts every replay decision and times every store call', async () => {
    await run('auto');
    expect((await points('webhook.replay.decisions')).map(summary).sort()).toEqual(REPLAY_DECISIONS);
    expect((await points('webhook.replay.store.duration')).map(summary).sort()).toEqual(STORE_CALLS);
    const [decisions] = metricExporter
      .getMetrics()
      .at(-1)!
      .scopeMetrics.filter(({ scope }) => scope.name === 'nestjs-webhook-security');
    expect(decisions?.metrics.map(({ descriptor }) => [descriptor.name, descriptor.unit])).toEqual([
      ['webhook.verifications', '{verification}'],
      ['webhook.verification.duration', 's'],
      ['webhook.replay.decisions', '{decision}'],
      ['webhook.replay.store.duration', 's'],
    ]);
    expect(decisions?.metrics[1]?.dataPointType).toBe(DataPointType.HISTOGRAM);
  });

  it('traces each verification as a child of the HTTP server span', async () => {
    await run(true);
    const spans = spanExporter.getFinishedSpans();
    const verifySpans = spans.filter(({ name }) => name.startsWith('webhook.verify '));
    expect(verifySpans.map(({ name }) => name)).toEqual(mix.map(({ provider }) => `webhook.verify ${provider}`));

    const serverSpans = spans.filter(({ kind }) => kind === SpanKind.SERVER);
    expect(serverSpans).toHaveLength(mix.length);
    verifySpans.forEach((span, index) => {
      const delivery = mix[index]!;
      const parent = serverSpans.find((server) => server.spanContext().spanId === span.parentSpanContext?.spanId);
      expect(parent?.name).toBe(`POST ${delivery.path}`);
      expect(span.spanContext().traceId).toBe(parent?.spanContext().traceId);
      expect(span.kind).toBe(SpanKind.INTERNAL);
      const [outcome, errorType] = delivery.verification.split(' ');
      expect(span.attributes).toEqual({
        'webhook.provider': delivery.provider,
        'webhook.scheme': { stripe: 'stripe', lookupFails: 'fullup' }[delivery.provider] ?? 'standardwebhooks',
        'http.request.method': 'POST',
        'http.route': delivery.path.startsWith('/tenants/') ? '/tenants/:tenant/stripe' : delivery.path,
        'webhook.outcome': outcome,
        ...(errorType ? { 'error.type': errorType } : {}),
        'webhook.body.size': Buffer.byteLength(delivery.body),
      });
      expect(span.status.code).toBe(outcome === 'error' ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
    });

    // Replay decisions are events on the server span of their request.
    const events = serverSpans.flatMap((span) => span.events.map((event) => `${span.name} ${String(event.attributes?.['webhook.replay.decision'])}`));
    expect(events.sort()).toEqual(mix.flatMap(({ path, replay }) => replay.map((decision) => `POST ${path} ${decision}`)).sort());
  });

  it('exports no secret, signature, delivery id or tenant of the path', async () => {
    await run(true);
    await reader.forceFlush();
    // The library's spans only: the stand-in server spans are named after the raw path.
    const ownSpans = spanExporter.getFinishedSpans().filter(({ instrumentationScope }) => instrumentationScope.name === 'nestjs-webhook-security');
    expect(ownSpans).toHaveLength(mix.length);
    const exported = JSON.stringify([metricExporter.getMetrics(), ownSpans.map(spanData)]);
    expect(exported).toContain('webhook.verify stripe');
    for (const value of sensitiveStrings(mix)) expect({ value, exported: exported.includes(value) }).toEqual({ value, exported: false });
  });

  it('counts once when two apps in one process turn telemetry on, and stops when both close', async () => {
    app = await createDiagnosticsApp(diagnosticsOptions({ telemetry: true }), adapter);
    const second = await createDiagnosticsApp(diagnosticsOptions({ telemetry: true }), adapter);
    const post = (target: INestApplication) =>
      request(target.getHttpServer()).post('/webhooks/standard').set('content-type', 'application/json').send('{}').expect(401);
    await post(app);
    await second.close();
    await post(app);
    await app.close();
    app = undefined;
    await post(await keep(createDiagnosticsApp(diagnosticsOptions(), adapter)));
    expect((await points('webhook.verifications')).map(summary)).toEqual([
      'error.type=missing_header http.request.method=POST http.route=/webhooks/standard webhook.outcome=rejected webhook.provider=standard => 2',
    ]);
  });

  /** Keeps an app for `afterEach` to close. */
  async function keep(created: Promise<INestApplication>): Promise<INestApplication> {
    app = await created;
    return app;
  }
});

describe('OpenTelemetry without an SDK', () => {
  it('changes no response when telemetry is on but no SDK is registered, and unsubscribes on close', async () => {
    const replayChannel = diagnosticsChannel.channel('nestjs-webhook-security:replay');
    expect(replayChannel.hasSubscribers).toBe(false);
    const app = await createDiagnosticsApp(diagnosticsOptions({ telemetry: true }));
    try {
      expect(replayChannel.hasSubscribers).toBe(true);
      await sendMix(app, deliveryMix());
    } finally {
      await app.close();
    }
    expect(replayChannel.hasSubscribers).toBe(false);
  });

  it('records to the providers given to enableWebhookTelemetry, and stops on disable()', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const ownReader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });
    const ownMeterProvider = new MeterProvider({ readers: [ownReader] });
    let telemetry: WebhookTelemetry | undefined;
    const app = await createDiagnosticsApp(diagnosticsOptions());
    try {
      telemetry = await enableWebhookTelemetry({ meterProvider: ownMeterProvider, tracerProvider });
      const post = () => request(app.getHttpServer()).post('/webhooks/standard').set('content-type', 'application/json').send('{}').expect(401);
      await post();
      telemetry.disable();
      telemetry.disable();
      await post();
    } finally {
      telemetry?.disable();
      await app.close();
    }
    expect(exporter.getFinishedSpans().map(({ name, attributes }) => [name, attributes['error.type']])).toEqual([
      ['webhook.verify standard', 'missing_header'],
    ]);
    const { resourceMetrics } = await ownReader.collect();
    const counted = resourceMetrics.scopeMetrics[0]?.metrics.find(({ descriptor }) => descriptor.name === 'webhook.verifications');
    expect(counted?.dataPoints.map(({ value }) => value)).toEqual([1]);
    await ownMeterProvider.shutdown();
  });

  it('rejects an invalid telemetry option at startup', async () => {
    await expect(createDiagnosticsApp(diagnosticsOptions({ telemetry: 'yes' as never }))).rejects.toThrow(
      new WebhookSecurityConfigurationError("Webhook provider '*': telemetry must be true, false or 'auto'."),
    );
  });
});

/** What an exporter sends of a span. */
function spanData({ name, attributes, events, status, resource }: ReadableSpan): {
  name: string;
  attributes: Attributes;
  events: unknown;
  status: unknown;
  resource: unknown;
} {
  return { name, attributes, events, status, resource: resource.attributes };
}
