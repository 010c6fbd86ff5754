import { formatSize } from '../lib/bodies.js';
import { PINNING, runScript, startServer } from '../lib/processes.js';
import { median } from '../lib/stats.js';
import { fixed, markdownTable } from '../lib/table.js';
import { check, type TargetCheck } from '../lib/targets.js';
import type { Route } from './bench-app.module.js';
import type { Load, LoadResult } from './load.js';

/** Settings of the HTTP phase. */
export interface HttpSettings {
  /** Rounds; each loads both routes at every size, in alternating order. */
  readonly rounds: number;
  readonly sizes: readonly number[];
  readonly seconds: number;
  /** Untimed load per route and size before the first round. */
  readonly warmupSeconds: number;
  readonly connections: number;
}

/** What one load measured, with the server's CPU time per request it answered. */
export interface HttpLoadResult extends LoadResult {
  readonly cpuUsPerRequest: number;
}

/** One body size: medians over rounds; ratios are guarded over unguarded within each round. */
export interface HttpRow {
  readonly size: number;
  readonly unguarded: HttpLoadResult;
  readonly guarded: HttpLoadResult;
  readonly reqPerSecRatio: number;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  readonly cpuRatio: number;
}

export interface HttpResult {
  readonly rows: readonly HttpRow[];
  readonly rounds: readonly { readonly size: number; readonly route: Route; readonly result: HttpLoadResult }[];
}

const medianOf = (results: readonly HttpLoadResult[]): HttpLoadResult => ({
  requests: median(results.map((result) => result.requests)),
  reqPerSec: median(results.map((result) => result.reqPerSec)),
  p50: median(results.map((result) => result.p50)),
  p99: median(results.map((result) => result.p99)),
  cpuUsPerRequest: median(results.map((result) => result.cpuUsPerRequest)),
});

/** Loads one server's two routes in interleaved rounds. */
export async function runHttp(settings: HttpSettings): Promise<HttpResult> {
  const server = await startServer();
  try {
    const load = (size: number, route: Route, seconds: number): Load => ({
      port: server.port,
      route,
      size,
      seconds,
      connections: settings.connections,
    });
    const warmup = settings.sizes.flatMap((size) => [load(size, 'unguarded', settings.warmupSeconds), load(size, 'guarded', settings.warmupSeconds)]);
    const plan: Load[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      for (const size of settings.sizes) {
        const order: Route[] = round % 2 === 0 ? ['unguarded', 'guarded'] : ['guarded', 'unguarded'];
        for (const route of order) plan.push(load(size, route, settings.seconds));
      }
    }
    runScript<LoadResult[]>('http/load.js', [JSON.stringify(warmup)], PINNING?.load);
    const rounds: { size: number; route: Route; result: HttpLoadResult }[] = [];
    for (const run of plan) {
      const cpuBefore = await server.ask<number>('cpu');
      const [result] = runScript<LoadResult[]>('http/load.js', [JSON.stringify([run])], PINNING?.load);
      const cpuUsPerRequest = ((await server.ask<number>('cpu')) - cpuBefore) / result!.requests;
      rounds.push({ size: run.size, route: run.route, result: { ...result!, cpuUsPerRequest } });
    }

    const rows = settings.sizes.map((size) => {
      const of = (route: Route): HttpLoadResult[] => rounds.filter((run) => run.size === size && run.route === route).map((run) => run.result);
      const unguarded = of('unguarded');
      const guarded = of('guarded');
      const ratio = (field: keyof HttpLoadResult): number => median(guarded.map((result, round) => result[field] / unguarded[round]![field]));
      return {
        size,
        unguarded: medianOf(unguarded),
        guarded: medianOf(guarded),
        reqPerSecRatio: ratio('reqPerSec'),
        p50Ratio: ratio('p50'),
        p99Ratio: ratio('p99'),
        cpuRatio: ratio('cpuUsPerRequest'),
      };
    });
    return { rows, rounds };
  } finally {
    await server.stop();
  }
}

/** The HTTP table: one line per body size. Latencies in milliseconds. */
export function httpTable({ rows }: HttpResult): string {
  return markdownTable(
    [
      'body',
      'req/s unguarded / guarded',
      'guarded/unguarded req/s',
      'p50 ms unguarded / guarded',
      'p99 ms unguarded / guarded',
      'guarded/unguarded p99',
      'server CPU µs/req unguarded / guarded',
      'guarded/unguarded CPU',
    ],
    rows.map((row) => [
      formatSize(row.size),
      `${row.unguarded.reqPerSec.toFixed(0)} / ${row.guarded.reqPerSec.toFixed(0)}`,
      fixed(row.reqPerSecRatio),
      `${fixed(row.unguarded.p50)} / ${fixed(row.guarded.p50)}`,
      `${fixed(row.unguarded.p99)} / ${fixed(row.guarded.p99)}`,
      fixed(row.p99Ratio),
      `${row.unguarded.cpuUsPerRequest.toFixed(0)} / ${row.guarded.cpuUsPerRequest.toFixed(0)}`,
      fixed(row.cpuRatio),
    ]),
  );
}

/**
 * guarded/unguarded req/s ≥ 0.95 at 1 KiB and ≥ 0.80 above; p99 within the
 * same bounds, as latency: ≤ 1/0.95 and ≤ 1/0.80 of the unguarded route's.
 */
export function httpTargets({ rows }: HttpResult): TargetCheck[] {
  return rows.flatMap((row) => {
    const bound = row.size <= 1024 ? 0.95 : 0.8;
    return [
      check(`HTTP ${formatSize(row.size)} guarded/unguarded req/s`, row.reqPerSecRatio, 'min', bound),
      check(`HTTP ${formatSize(row.size)} guarded/unguarded p99`, row.p99Ratio, 'max', Number((1 / bound).toFixed(3))),
    ];
  });
}
