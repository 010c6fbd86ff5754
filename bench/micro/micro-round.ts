/**
 * One case of one round of the micro benchmark, run in its own process so
 * that no other verifier shares its JIT state: the verifier, its bare check
 * and its SDKs, on every body size, timed in short samples in shuffled order.
 * Prints `MicroRound` as JSON on stdout.
 */
import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import type { WebhookRequest, WebhookVerifier } from '../../src/verifiers/webhook-verifier.interface.js';
import { MICRO_SIZES } from '../lib/bodies.js';
import { median, shuffled } from '../lib/stats.js';
import { MICRO_CASES, type Check } from './cases.js';

/** Settings of a round, passed as JSON in argv[2]. */
export interface MicroSettings {
  /** Label of the case in `MICRO_CASES`. */
  readonly label: string;
  /** Timed samples per function and size. */
  readonly samples: number;
  /** Target duration of one sample, in milliseconds. */
  readonly sampleMs: number;
  /** Untimed warm-up per function and size, in milliseconds. */
  readonly warmupMs: number;
  /** Body sizes, in bytes. @default MICRO_SIZES */
  readonly sizes?: readonly number[];
}

/** Nanoseconds per call, median of the samples, by size and then by key (`verify`, `bare`, `sdk:<name>`). */
export interface MicroRound {
  /** Process CPU time (user + system), which other processes on the machine do not inflate. */
  readonly cpuNsPerCall: Record<string, Record<string, number>>;
  /** Wall-clock time from `process.hrtime.bigint()`. */
  readonly wallNsPerCall: Record<string, Record<string, number>>;
}

/** One sample: nanoseconds per call, by CPU time and by wall clock. */
interface Sample {
  readonly cpu: number;
  readonly wall: number;
}

const settings: MicroSettings = JSON.parse(process.argv[2] ?? '{}');

/** Calls `check` `n` times, awaiting it when its API is async; throws unless every call verified. */
async function timeCalls(key: string, check: Check, isAsync: boolean, n: number): Promise<Sample> {
  let passed = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  if (isAsync) {
    for (let i = 0; i < n; i++) if (await check()) passed++;
  } else {
    for (let i = 0; i < n; i++) if (check()) passed++;
  }
  const wall = Number(process.hrtime.bigint() - wallStart);
  const { user, system } = process.cpuUsage(cpuStart);
  if (passed !== n) throw new Error(`${settings.label} ${key} failed to verify a correctly signed request`);
  return { cpu: ((user + system) * 1000) / n, wall: wall / n };
}

/** Runs `check` for about `warmupMs` and returns how many calls take about `sampleMs`. */
async function warmUp(key: string, check: Check, isAsync: boolean): Promise<number> {
  let calls = 1;
  let perCall = (await timeCalls(key, check, isAsync, 1)).wall;
  const until = process.hrtime.bigint() + BigInt(Math.round(settings.warmupMs * 1e6));
  while (process.hrtime.bigint() < until) {
    perCall = (await timeCalls(key, check, isAsync, calls)).wall;
    calls = Math.min(calls * 2, Math.max(1, Math.round((settings.warmupMs * 1e6) / 8 / perCall)));
  }
  return Math.max(1, Math.round((settings.sampleMs * 1e6) / perCall));
}

/** One verify call as the guard makes it, with the provider's list of secrets; awaited for a verifier that fetches keys. */
function verifyCall(verifier: WebhookVerifier, request: WebhookRequest, secret: string): Check {
  const secrets = [secret];
  return () => {
    const result = verifier.verify(request, secrets);
    return result instanceof Promise ? result.then((verdict) => verdict.verified) : result.verified;
  };
}

const microCase = MICRO_CASES.find((candidate) => candidate.label === settings.label);
if (!microCase) throw new Error(`no micro case '${settings.label}'`);

const round: MicroRound = { cpuNsPerCall: {}, wallNsPerCall: {} };
await microCase.setup?.();
for (const size of settings.sizes ?? MICRO_SIZES) {
  if (microCase.maxSize !== undefined && size > microCase.maxSize) continue;
  const prepared = microCase.prepare(size);
  const checks = new Map<string, Check>([
    ['verify', verifyCall(new BUILT_IN_VERIFIERS[microCase.scheme](prepared.options), prepared.request, prepared.secret)],
    ['bare', prepared.bare],
    ...Object.entries(prepared.sdks).map(([name, sdk]): [string, Check] => [`sdk:${name}`, sdk]),
  ]);
  const isAsync = new Map<string, boolean>();
  const calls = new Map<string, number>();
  for (const [key, check] of checks) {
    const first = check();
    isAsync.set(key, first instanceof Promise);
    await first;
    calls.set(key, await warmUp(key, check, isAsync.get(key)!));
  }

  const samples = new Map<string, Sample[]>([...checks.keys()].map((key) => [key, []]));
  for (let sample = 0; sample < settings.samples; sample++) {
    for (const key of shuffled([...checks.keys()])) {
      samples.get(key)!.push(await timeCalls(key, checks.get(key)!, isAsync.get(key)!, calls.get(key)!));
    }
  }
  const medians = (clock: keyof Sample) => Object.fromEntries([...samples].map(([key, values]) => [key, median(values.map((value) => value[clock]))]));
  round.cpuNsPerCall[size] = medians('cpu');
  round.wallNsPerCall[size] = medians('wall');
}
process.stdout.write(JSON.stringify(round));
