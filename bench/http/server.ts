/**
 * The benchmark's Nest app, run in its own process on 127.0.0.1 and a free
 * port. It sends `{ port }` to its parent once it listens, and answers
 * `'cpu'` with the CPU time it has used, in microseconds. With
 * `--sample-memory` it tracks its heap and answers `'memory'` with its peaks.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { enableWebhookTelemetry } from '../../src/index.js';
import { BenchAppModule, SKIPS_JSON_PARSER } from './bench-app.module.js';

/** Peak memory of the server process, in bytes. */
export interface ServerMemory {
  /** Peak resident set size, from the kernel (`maxRSS`). */
  readonly peakRss: number;
  /** Resident set size once listening, before any load. */
  readonly idleRss: number;
  /** Largest `heapUsed` seen, sampled every few milliseconds. */
  readonly peakHeapUsed: number;
  /** Largest `arrayBuffers` (where request bodies live) seen, sampled the same way. */
  readonly peakArrayBuffers: number;
}

const SAMPLE_EVERY_MS = 5;

/**
 * The OpenTelemetry SDK as an app would start it, with exporters that drop
 * what they get, and webhook telemetry on: every request gets a span and
 * metric points.
 */
async function startOpenTelemetry(): Promise<void> {
  const discard: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] }));
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 10_000 })] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  await enableWebhookTelemetry();
}

async function main(): Promise<void> {
  if (process.argv.includes('--otel')) await startOpenTelemetry();
  const app = await NestFactory.create<NestExpressApplication>(BenchAppModule, { rawBody: true, logger: false });
  // Room for the 1 MiB bodies of the memory run; Nest keeps the raw bytes with it. The dispatching
  // route that reads no body is skipped, as docs/events.md sets one up.
  app.useBodyParser('json', {
    limit: '2mb',
    type: (req: IncomingMessage) => req.url !== SKIPS_JSON_PARSER && (req.headers['content-type'] ?? '').startsWith('application/json'),
  });
  await app.listen(0, '127.0.0.1');

  const idleRss = process.memoryUsage().rss;
  let peakHeapUsed = 0;
  let peakArrayBuffers = 0;
  if (process.argv.includes('--sample-memory')) {
    setInterval(() => {
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      peakHeapUsed = Math.max(peakHeapUsed, heapUsed);
      peakArrayBuffers = Math.max(peakArrayBuffers, arrayBuffers);
    }, SAMPLE_EVERY_MS).unref();
  }

  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.(user + system);
    } else if (message === 'memory') {
      const memory: ServerMemory = { peakRss: process.resourceUsage().maxRSS * 1024, idleRss, peakHeapUsed, peakArrayBuffers };
      process.send?.(memory);
    }
  });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
  process.send?.({ port: (app.getHttpServer().address() as AddressInfo).port });
}

void main();
