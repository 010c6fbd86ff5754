import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { metrics } from '@opentelemetry/api';
import type { INestApplication } from '@nestjs/common';
import { startPrometheusExporter } from '../../docs/examples/prometheus.js';
import { createDiagnosticsApp, deliveryMix, diagnosticsOptions, sendMix } from './diagnostics-app.js';

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { name: string; definition?: string }[] };
}

/** Every PromQL expression of the Grafana dashboard. */
function dashboardQueries(): string[] {
  const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as Dashboard;
  return [
    ...dashboard.panels.flatMap(({ targets }) => targets.map(({ expr }) => expr)),
    ...dashboard.templating.list.flatMap(({ definition }) => (definition ? [definition] : [])),
  ];
}

describe('the Prometheus example and the Grafana dashboard', () => {
  let app: INestApplication | undefined;
  let server: Server | undefined;
  let scrape: string;

  beforeAll(async () => {
    const exporter = startPrometheusExporter({ preventServerStart: true });
    server = createServer((request, response) => exporter.getMetricsRequestHandler(request, response));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    app = await createDiagnosticsApp(diagnosticsOptions({ telemetry: true }));
    await sendMix(app, deliveryMix());
    scrape = await (await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`)).text();
  });
  afterAll(async () => {
    await app?.close();
    server?.close();
    metrics.disable();
  });

  it('serves every webhook metric under its Prometheus name', () => {
    const families = [...scrape.matchAll(/^# TYPE (webhook_\w+) (\w+)$/gm)].map(([, name, type]) => `${name} ${type}`);
    expect(families).toEqual([
      'webhook_verifications_total counter',
      'webhook_verification_duration histogram',
      'webhook_replay_decisions_total counter',
      'webhook_replay_store_duration histogram',
    ]);
    expect(scrape).toMatch(
      /^webhook_verifications_total\{webhook_provider="stripe",webhook_outcome="rejected",http_request_method="POST",http_route="\/tenants\/:tenant\/stripe",error_type="no_matching_signature",[^}]*\} 2$/m,
    );
    expect(scrape).toMatch(/^webhook_replay_decisions_total\{webhook_provider="standard",webhook_replay_decision="duplicate",[^}]*\} 1$/m);
  });

  it('queries only series and labels that the scrape holds', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(7);
    const series = new Set([...scrape.matchAll(/^(webhook_\w+)\{/gm)].map(([, name]) => name));
    const labels = new Set([...scrape.matchAll(/[{,](\w+)="/g)].map(([, name]) => name));
    for (const query of queries) {
      for (const [name] of query.matchAll(/webhook_\w+(?=[{[,)])/g)) {
        if (labels.has(name) && !name.endsWith('_total') && !name.endsWith('_bucket')) continue;
        expect({ query, name, served: series.has(name) }).toEqual({ query, name, served: true });
      }
      for (const [, label] of query.matchAll(/(\w+)=~?"/g)) expect({ query, label, served: labels.has(label) }).toEqual({ query, label, served: true });
      for (const [, group] of query.matchAll(/by \(([^)]*)\)/g)) {
        for (const label of group!
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== 'le')) {
          expect({ query, label, served: labels.has(label) }).toEqual({ query, label, served: true });
        }
      }
    }
    // The values the panels filter on are values the library records.
    for (const value of ['rejected', 'duplicate', 'store_error']) expect(scrape).toContain(`="${value}"`);
  });
});
