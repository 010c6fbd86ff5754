/**
 * Webhook metrics on a Prometheus scrape endpoint. Start the OpenTelemetry
 * SDK before the app, then turn on `telemetry` in the module.
 *
 * Compiled by `npm run typecheck` and run by the test suite, so it cannot rot.
 * In your app, import from 'nestjs-webhook-security'.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { WebhookSecurityModule } from '../../src/index.js';

/**
 * Serves every metric recorded through `@opentelemetry/api` at
 * `http://<host>:9464/metrics`, and makes it the global meter provider.
 */
export function startPrometheusExporter(options: { port?: number; host?: string; preventServerStart?: boolean } = {}): PrometheusExporter {
  const exporter = new PrometheusExporter({ port: 9464, ...options });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  return exporter;
}

/** Your app module, with the metrics and spans of every verification and replay decision turned on. */
@Module({
  imports: [
    WebhookSecurityModule.forRoot({
      telemetry: true,
      replay: {},
      providers: { stripe: { secret: process.env.STRIPE_WEBHOOK_SECRET } },
    }),
  ],
})
export class AppModule {}

/** The exporter first, so that the module finds the meter provider when it starts. */
export async function bootstrap(): Promise<void> {
  startPrometheusExporter();
  const app = await NestFactory.create(AppModule, { rawBody: true });
  await app.listen(3000);
}
