/**
 * `npm run bench`: the cost of verification, as ratios taken in one run.
 *
 * 1. micro: each built-in verifier against the same HMAC written by hand, and
 *    against the vendors' own SDKs, on 1 KiB to 1 MiB bodies;
 * 2. http: a Nest app's guarded route against an unguarded one, under load;
 * 3. memory: peak RSS and heap of each route under load with 1 MiB bodies;
 * 4. guard: the whole signature guard in process, against the bare HMAC and
 *    a hand-written guard;
 * 5. hostile: each scheme's costliest unauthenticated request against a bare HMAC;
 * 6. replay-memory (only with `--only=replay-memory`, needs redis-server): bytes
 *    per claim and deliveries per second of the compact key layout and the
 *    previous one, in a redis-server of its own.
 *
 * `--quick` runs short rounds for development; `--only=micro,http,memory,guard,hostile`
 * picks phases; `--schemes=discord,sendgrid` times only those schemes' micro and hostile cases. Writes bench/results/latest.json and prints Markdown tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { guardTable, guardTargets, runGuard, type GuardSettings } from './guard/guard.js';
import { hostileTable, hostileTargets, hostileWorstTable, runHostile, type HostilePhaseSettings } from './hostile/hostile.js';
import { httpTable, httpTargets, runHttp, type HttpSettings } from './http/http.js';
import { memoryTable, memoryTargets, runMemory, type MemorySettings } from './http/memory.js';
import { MICRO_SIZES } from './lib/bodies.js';
import { PINNING } from './lib/processes.js';
import type { TargetCheck } from './lib/targets.js';
import { microSummaryTable, microTable, microTargets, runMicro, type MicroPhaseSettings } from './micro/micro.js';
import { replayMemoryTable, replayMemoryTargets, runReplayMemory, type ReplayMemorySettings } from './replay/replay-memory.js';

interface Settings {
  readonly micro: MicroPhaseSettings;
  readonly http: HttpSettings;
  readonly memory: MemorySettings;
  readonly guard: GuardSettings;
  readonly hostile: HostilePhaseSettings;
  readonly replayMemory: ReplayMemorySettings;
}

const FULL: Settings = {
  micro: { rounds: 4, samples: 11, sampleMs: 8, warmupMs: 20, settleMs: 400, warmupMaxMs: 1500, sizes: MICRO_SIZES },
  http: { rounds: 4, sizes: [1024, 64 * 1024], seconds: 2.5, warmupSeconds: 1.5, connections: 8, pairs: 12, pairSeconds: 2 },
  memory: { rounds: 3, size: 1024 * 1024, seconds: 3, connections: 4 },
  guard: { rounds: 4, samples: 11, sampleMs: 8, warmupMs: 200, sizes: [1024, 64 * 1024, 1024 * 1024] },
  hostile: { rounds: 3, samples: 5, sampleMs: 25, warmupMs: 200 },
  replayMemory: { claims: 200_000, concurrency: 32 },
};

const QUICK: Settings = {
  micro: { ...FULL.micro, rounds: 1, samples: 7, sampleMs: 5, warmupMs: 10, settleMs: 300, warmupMaxMs: 800 },
  http: { ...FULL.http, rounds: 1, seconds: 1, warmupSeconds: 0.5, pairs: 2, pairSeconds: 0.5 },
  memory: { ...FULL.memory, rounds: 1, seconds: 2 },
  guard: { ...FULL.guard, rounds: 1, samples: 7, sampleMs: 5, warmupMs: 100 },
  hostile: { ...FULL.hostile, rounds: 1, samples: 3, warmupMs: 100 },
  replayMemory: { ...FULL.replayMemory, claims: 50_000 },
};

const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const args = process.argv.slice(2);
const schemes = args
  .find((arg) => arg.startsWith('--schemes='))
  ?.slice('--schemes='.length)
  .split(',');
const chosen = args.includes('--quick') ? QUICK : FULL;
const settings: Settings = schemes ? { ...chosen, micro: { ...chosen.micro, schemes } } : chosen;
const phases = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',') ?? ['micro', 'http', 'memory', 'guard', 'hostile'];

const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const started = process.hrtime.bigint();
const environment = {
  date: new Date().toISOString(),
  node: process.version,
  openssl: process.versions.openssl,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  pinning: PINNING ? `server on core ${PINNING.server}, load generator on core ${PINNING.load} (taskset)` : 'none (no taskset or one core)',
  loadAverageAtStart: loadAverage(),
};
console.log(`Node ${environment.node}, OpenSSL ${environment.openssl}, ${environment.cores} × ${environment.cpu}`);
console.log(`Pinning: ${environment.pinning}. Load average (1, 5, 15 min) at start: ${environment.loadAverageAtStart}\n`);

const targets: TargetCheck[] = [];
const results: Record<string, unknown> = {};

if (phases.includes('micro')) {
  const micro = runMicro(settings.micro);
  results.micro = micro;
  targets.push(...microTargets(micro));
  console.log(
    `## Micro: CPU µs per call, median of ${settings.micro.rounds} rounds (a process per case and round, ${settings.micro.samples} interleaved samples each); ratios within each round\n`,
  );
  console.log(microTable(micro) + '\n');
  console.log('Ratios at a glance (≤ 1.30 at 1 KiB and ≤ 1.10 above against bare; ≤ 1 against each SDK):\n');
  console.log(microSummaryTable(micro) + '\n');
  if (micro.uncovered.length > 0) console.log(`No micro case for: ${micro.uncovered.join(', ')} (add one to bench/micro/cases.ts)\n`);
}
if (phases.includes('http')) {
  const http = await runHttp(settings.http);
  results.http = http;
  targets.push(...httpTargets(http));
  console.log(`## HTTP: ${settings.http.connections} connections, ${settings.http.seconds} s per load, median of ${settings.http.rounds} interleaved rounds\n`);
  console.log(httpTable(http) + '\n');
  console.log(
    `The paired route is not in the rounds: ${settings.http.pairs} pairs of ${settings.http.pairSeconds} s loads back to back with @VerifiedWebhook's, in ABBA order; its CPU/@VerifiedWebhook is the median of the pairs' ratios (quartiles in brackets).\n`,
  );
}
if (phases.includes('memory')) {
  const memory = await runMemory(settings.memory);
  results.memory = memory;
  targets.push(...memoryTargets(memory));
  console.log(
    `## Memory: MiB, a fresh server per route and round, ${settings.memory.connections} connections, ${settings.memory.seconds} s, median of ${settings.memory.rounds} rounds\n`,
  );
  console.log(memoryTable(memory) + '\n');
}
if (phases.includes('hostile')) {
  const hostile = runHostile({ ...settings.hostile, schemes });
  results.hostile = hostile;
  targets.push(...hostileTargets(hostile));
  console.log(
    `## Hostile: CPU µs per verify call on each scheme's costliest unauthenticated request (1 MiB body), median of ${settings.hostile.rounds} rounds\n`,
  );
  console.log(hostileTable(hostile) + '\n');
  console.log('Worst case per scheme, against max(3 × bare HMAC over the same body, 5 ms):\n');
  console.log(hostileWorstTable(hostile) + '\n');
  if (hostile.uncovered.length > 0) console.log(`No hostile case for: ${hostile.uncovered.join(', ')} (add one to bench/hostile/cases.ts)\n`);
}

if (phases.includes('guard')) {
  const guard = runGuard(settings.guard);
  results.guard = guard;
  targets.push(...guardTargets(guard));
  console.log(
    `## Guard: CPU µs per canActivate call on a @VerifiedWebhook route, in process, median of ${settings.guard.rounds} rounds (a process each, ${settings.guard.samples} interleaved samples); ratios within each round\n`,
  );
  console.log(guardTable(guard) + '\n');
}

if (phases.includes('replay-memory')) {
  const replayMemory = await runReplayMemory(settings.replayMemory);
  results.replayMemory = replayMemory;
  targets.push(...replayMemoryTargets(replayMemory));
  console.log(
    `## Replay memory: redis-server ${replayMemory.redis} of its own, ${settings.replayMemory.claims} claims per layout through RedisReplayStore, ${settings.replayMemory.concurrency} in flight; bytes from INFO memory (used_memory delta / claims)\n`,
  );
  console.log(replayMemoryTable(replayMemory) + '\n');
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const missed = targets.filter((target) => !target.met);
console.log(`## Targets: ${targets.length - missed.length} of ${targets.length} met`);
for (const target of missed) console.log(`- missed: ${target.what} = ${target.value.toFixed(3)} (${target.kind === 'max' ? '≤' : '≥'} ${target.bound})`);
console.log(`\nLoad average (1, 5, 15 min) at end: ${loadAverage()}. Took ${seconds.toFixed(0)} s.`);

mkdirSync(RESULTS, { recursive: true });
const file = `${RESULTS}latest.json`;
writeFileSync(file, JSON.stringify({ ...environment, loadAverageAtEnd: loadAverage(), seconds, settings, targets, ...results }, null, 2) + '\n');
console.log(`Results: ${file}`);
