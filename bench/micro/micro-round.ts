/**
 * One case of one round of the micro benchmark, run in its own process so
 * that no other verifier shares its JIT state: the verifier, its bare check
 * and its SDKs, on every body size, warmed up together and then timed in
 * short samples in shuffled order. Prints `MicroRound` as JSON on stdout.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
  /** Least untimed warm-up per function and size, in milliseconds of this process's CPU time. */
  readonly warmupMs: number;
  /**
   * Least CPU time of the first size's warm-up, all functions together, in
   * milliseconds: a process that has just loaded the SDKs is still compiling
   * and collecting them on other threads for a few hundred milliseconds.
   */
  readonly settleMs: number;
  /** Most CPU time of one size's warm-up, all functions together, in milliseconds, should they never stop getting faster. */
  readonly warmupMaxMs: number;
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

/** Calls per warm-up slice are aimed at this much CPU time, in nanoseconds. */
const SLICE_NS = 2e6;
/** Slices compared at a time: warm-up ends when the last this many are no faster than the ones before. */
const WINDOW = 5;

/**
 * Warms every check up together, in slices in shuffled order, by this
 * process's CPU time (on a loaded machine a wall-clock warm-up ends before
 * the JIT has optimised anything), until each has had `warmupMs`. On the
 * first size, which the JIT and the process's own start-up meet first, it
 * goes on until the checks have had `settleMs` in all and none is still
 * getting faster: the median of each one's last {@link WINDOW} slices is
 * within 3% of the median of the {@link WINDOW} before, or `warmupMaxMs` has
 * passed. Returns, per check, how many calls take about `sampleMs`.
 */
async function warmUp(checks: ReadonlyMap<string, Check>, isAsync: ReadonlyMap<string, boolean>, settle: boolean): Promise<Map<string, number>> {
  const keys = [...checks.keys()];
  const calls = new Map(keys.map((key) => [key, 1]));
  const slices = new Map<string, number[]>(keys.map((key) => [key, []]));
  const spent = new Map(keys.map((key) => [key, 0]));
  const total = () => [...spent.values()].reduce((sum, ns) => sum + ns, 0);
  const warm = () => [...spent.values()].every((ns) => ns >= settings.warmupMs * 1e6);
  const settled = () =>
    total() >= settings.settleMs * 1e6 &&
    [...slices.values()].every(
      (perCall) => perCall.length >= 2 * WINDOW && median(perCall.slice(-WINDOW)) >= 0.97 * median(perCall.slice(-2 * WINDOW, -WINDOW)),
    );
  do {
    for (const key of shuffled(keys)) {
      // Past its share, a slow check (an SDK on 1 MiB) is not run again while the fast ones catch up.
      if (!settle && spent.get(key)! >= settings.warmupMs * 1e6) continue;
      const n = calls.get(key)!;
      const { cpu } = await timeCalls(key, checks.get(key)!, isAsync.get(key)!, n);
      slices.get(key)!.push(cpu);
      spent.set(key, spent.get(key)! + cpu * n);
      calls.set(key, Math.min(n * 2, Math.max(1, Math.round(SLICE_NS / Math.max(cpu, 1)))));
    }
  } while (!(warm() && (!settle || settled())) && total() < settings.warmupMaxMs * 1e6);
  return new Map([...slices].map(([key, perCall]) => [key, Math.max(1, Math.round((settings.sampleMs * 1e6) / Math.max(median(perCall.slice(-WINDOW)), 1)))]));
}

setFlagsFromString('--expose-gc');
/**
 * A full garbage collection, before each size's samples: what the warm-up
 * left is collected, not charged to whichever check happens to fill the
 * young generation first.
 */
const collectGarbage = runInNewContext('gc') as () => void;

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
let first = true;
for (const size of settings.sizes ?? MICRO_SIZES) {
  if (microCase.maxSize !== undefined && size > microCase.maxSize) continue;
  const prepared = microCase.prepare(size);
  const checks = new Map<string, Check>([
    ['verify', verifyCall(new BUILT_IN_VERIFIERS[microCase.scheme](prepared.options), prepared.request, prepared.secret)],
    ['bare', prepared.bare],
    ...Object.entries(prepared.sdks).map(([name, sdk]): [string, Check] => [`sdk:${name}`, sdk]),
  ]);
  const isAsync = new Map<string, boolean>();
  for (const [key, check] of checks) {
    const result = check();
    isAsync.set(key, result instanceof Promise);
    await result;
  }
  const calls = await warmUp(checks, isAsync, first);
  first = false;
  collectGarbage();

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
