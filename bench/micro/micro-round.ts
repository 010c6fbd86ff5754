/**
 * One case of one round of the micro benchmark, run in its own process so
 * that no other verifier shares its JIT state: the verifier, its bare check
 * and its SDKs, on every body size, timed in short samples in shuffled order.
 * Prints `MicroRound` as JSON on stdout.
 */
import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import type { WebhookVerifier } from '../../src/verifiers/webhook-verifier.interface.js';
import { MICRO_SIZES } from '../lib/bodies.js';
import { median, shuffled } from '../lib/stats.js';
import { MICRO_CASES, SECRET } from './cases.js';

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

/** Median nanoseconds per call of each timed function, by size, then by key (`verify`, `bare`, `sdk:<name>`). */
export interface MicroRound {
  readonly nsPerCall: Record<string, Record<string, number>>;
}

const settings: MicroSettings = JSON.parse(process.argv[2] ?? '{}');

/** Calls `fn` `n` times and returns nanoseconds per call; throws unless every call returned true. */
function timeCalls(key: string, fn: () => boolean, n: number): number {
  let passed = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (fn()) passed++;
  const elapsed = Number(process.hrtime.bigint() - start);
  if (passed !== n) throw new Error(`${settings.label} ${key} returned false on a correctly signed request`);
  return elapsed / n;
}

/** Runs `fn` for about `ms` milliseconds and returns the calls per sample of `sampleMs`. */
function warmUp(key: string, fn: () => boolean, ms: number, sampleMs: number): number {
  let calls = 1;
  let perCall = timeCalls(key, fn, 1);
  const until = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  while (process.hrtime.bigint() < until) {
    perCall = timeCalls(key, fn, calls);
    calls = Math.min(calls * 2, Math.max(1, Math.round((ms * 1e6) / 8 / perCall)));
  }
  return Math.max(1, Math.round((sampleMs * 1e6) / perCall));
}

/** One verify call as the guard makes it, with the provider's list of secrets. */
function verifyOnce(verifier: WebhookVerifier, request: Parameters<WebhookVerifier['verify']>[0]): () => boolean {
  const secrets = [SECRET];
  return () => {
    const result = verifier.verify(request, secrets);
    if (result instanceof Promise) throw new Error('the micro benchmark times synchronous verifiers only');
    return result.verified;
  };
}

const microCase = MICRO_CASES.find((candidate) => candidate.label === settings.label);
if (!microCase) throw new Error(`no micro case '${settings.label}'`);

const nsPerCall: Record<string, Record<string, number>> = {};
for (const size of settings.sizes ?? MICRO_SIZES) {
  const prepared = microCase.prepare(size);
  const timed = new Map<string, () => boolean>([
    ['verify', verifyOnce(new BUILT_IN_VERIFIERS[microCase.scheme](), prepared.request)],
    ['bare', prepared.bare],
    ...Object.entries(prepared.sdks ?? {}).map(([name, sdk]): [string, () => boolean] => [`sdk:${name}`, sdk]),
  ]);
  const calls = new Map<string, number>();
  for (const [key, fn] of timed) calls.set(key, warmUp(key, fn, settings.warmupMs, settings.sampleMs));

  const samples = new Map<string, number[]>([...timed.keys()].map((key) => [key, []]));
  for (let sample = 0; sample < settings.samples; sample++) {
    for (const key of shuffled([...timed.keys()])) {
      samples.get(key)!.push(timeCalls(key, timed.get(key)!, calls.get(key)!));
    }
  }
  nsPerCall[size] = Object.fromEntries([...samples].map(([key, values]) => [key, median(values)]));
}

const round: MicroRound = { nsPerCall };
process.stdout.write(JSON.stringify(round));
