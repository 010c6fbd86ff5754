import { formatSize } from '../lib/bodies.js';
import { PINNING, runScript, startServer } from '../lib/processes.js';
import { median } from '../lib/stats.js';
import { fixed, markdownTable, mebibytes } from '../lib/table.js';
import { check, type TargetCheck } from '../lib/targets.js';
import type { Route } from './bench-app.module.js';
import type { LoadResult } from './load.js';
import type { ServerMemory } from './server.js';

/** Settings of the memory phase. */
export interface MemorySettings {
  /** Rounds; each starts a fresh server per route, in alternating order. */
  readonly rounds: number;
  readonly size: number;
  readonly seconds: number;
  readonly connections: number;
}

/** One route under load: a fresh server, its peaks, and the load it took. */
export interface MemoryRun extends ServerMemory {
  readonly route: Route;
  readonly reqPerSec: number;
}

export interface MemoryResult {
  readonly size: number;
  /** Medians over rounds, per route. */
  readonly routes: Readonly<Record<'unguarded' | 'guarded', MemoryRun>>;
  /** Guarded over unguarded peak RSS, per round pair, median. */
  readonly peakRssRatio: number;
  readonly peakHeapRatio: number;
  readonly runs: readonly MemoryRun[];
}

async function measure(route: Route, settings: MemorySettings): Promise<MemoryRun> {
  const server = await startServer(['--sample-memory']);
  try {
    const load = { port: server.port, route, size: settings.size, seconds: settings.seconds, connections: settings.connections };
    const [result] = runScript<LoadResult[]>('http/load.js', [JSON.stringify([load])], PINNING?.load);
    return { route, reqPerSec: result!.reqPerSec, ...(await server.ask<ServerMemory>('memory')) };
  } finally {
    await server.stop();
  }
}

/** Loads each route on its own fresh server, so that peaks do not mix. */
export async function runMemory(settings: MemorySettings): Promise<MemoryResult> {
  const runs: MemoryRun[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    const order: Route[] = round % 2 === 0 ? ['unguarded', 'guarded'] : ['guarded', 'unguarded'];
    for (const route of order) runs.push(await measure(route, settings));
  }
  const of = (route: Route): MemoryRun[] => runs.filter((run) => run.route === route);
  const medianRun = (route: Route): MemoryRun => {
    const routeRuns = of(route);
    const field = (name: keyof ServerMemory | 'reqPerSec'): number => median(routeRuns.map((run) => run[name]));
    return {
      route,
      reqPerSec: field('reqPerSec'),
      peakRss: field('peakRss'),
      idleRss: field('idleRss'),
      peakHeapUsed: field('peakHeapUsed'),
      peakArrayBuffers: field('peakArrayBuffers'),
    };
  };
  const ratio = (field: keyof ServerMemory): number => median(of('guarded').map((run, round) => run[field] / of('unguarded')[round]![field]));
  return {
    size: settings.size,
    routes: { unguarded: medianRun('unguarded'), guarded: medianRun('guarded') },
    peakRssRatio: ratio('peakRss'),
    peakHeapRatio: ratio('peakHeapUsed'),
    runs,
  };
}

/** The memory table: one line per route, then the ratio. Sizes in MiB. */
export function memoryTable(result: MemoryResult): string {
  const line = (run: MemoryRun): string[] => [
    `${run.route} (${formatSize(result.size)})`,
    run.reqPerSec.toFixed(0),
    mebibytes(run.idleRss),
    mebibytes(run.peakRss),
    mebibytes(run.peakHeapUsed),
    mebibytes(run.peakArrayBuffers),
  ];
  return markdownTable(
    ['route', 'req/s', 'idle RSS', 'peak RSS', 'peak heap used', 'peak array buffers'],
    [line(result.routes.unguarded), line(result.routes.guarded), ['guarded/unguarded', '', '', fixed(result.peakRssRatio), fixed(result.peakHeapRatio), '']],
  );
}

/** Guarded peak RSS within 10% of the unguarded route's. */
export function memoryTargets(result: MemoryResult): TargetCheck[] {
  return [check(`memory ${formatSize(result.size)} guarded/unguarded peak RSS`, result.peakRssRatio, 'max', 1.1)];
}
