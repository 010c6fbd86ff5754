/**
 * One hostile case in its own process: the verifier's CPU time on the
 * costliest unauthenticated request of its scheme, and a bare HMAC over the
 * same body, timed in interleaved samples once both have warmed up: a flood
 * of such requests meets compiled code after its first few, which run
 * several times slower while the JIT compiles the path. Prints
 * `HostileRound` as JSON.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DIGEST_BYTES } from '../../src/utils/signature.js';
import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import { median, shuffled } from '../lib/stats.js';
import { HOSTILE_CASES } from './cases.js';

/** Settings of a round, passed as JSON in argv[2]. */
export interface HostileSettings {
  /** Label of the case in `HOSTILE_CASES`. */
  readonly label: string;
  /** Timed samples per function. */
  readonly samples: number;
  /** Target duration of one sample, in milliseconds; a sample makes at least one call. */
  readonly sampleMs: number;
  /** Least untimed warm-up per function, in milliseconds of this process's CPU time. */
  readonly warmupMs: number;
}

/** CPU nanoseconds per call, median of the samples. */
export interface HostileRound {
  readonly verifyNs: number;
  readonly bareNs: number;
  /** Size of the body, in bytes. */
  readonly bodyBytes: number;
}

const settings: HostileSettings = JSON.parse(process.argv[2] ?? '{}');
const hostile = HOSTILE_CASES.find((candidate) => candidate.label === settings.label);
if (!hostile) throw new Error(`no hostile case '${settings.label}'`);

const request = hostile.request();
const verifier = new BUILT_IN_VERIFIERS[hostile.scheme]();
const secrets = [hostile.secret];
const expected = randomBytes(DIGEST_BYTES[hostile.algorithm]);
const checks: Record<'verify' | 'bare', () => boolean> = {
  verify: () => {
    const result = verifier.verify(request, secrets);
    if (result instanceof Promise) throw new Error('the built-in verifiers are synchronous');
    return result.verified;
  },
  bare: () => {
    const digest = createHmac(hostile.algorithm, hostile.key ?? hostile.secret)
      .update(request.rawBody)
      .digest();
    return digest.length === expected.length && timingSafeEqual(digest, expected);
  },
};

/** CPU nanoseconds per call over `n` calls; throws if a call verified, as none is signed. */
function timeCalls(check: () => boolean, n: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) if (check()) throw new Error(`${settings.label}: an unsigned request verified`);
  const { user, system } = process.cpuUsage(start);
  return ((user + system) * 1000) / n;
}

const calls = new Map<string, number>();
for (const [key, check] of Object.entries(checks)) {
  let spent = 0;
  let once = timeCalls(check, 1);
  for (; spent < settings.warmupMs * 1e6; spent += once) once = timeCalls(check, 1);
  calls.set(key, Math.max(1, Math.round((settings.sampleMs * 1e6) / Math.max(1, once))));
}
const samples = new Map<string, number[]>(Object.keys(checks).map((key) => [key, []]));
for (let sample = 0; sample < settings.samples; sample++) {
  for (const key of shuffled(Object.keys(checks)) as (keyof typeof checks)[]) {
    samples.get(key)!.push(timeCalls(checks[key], calls.get(key)!));
  }
}
const round: HostileRound = { verifyNs: median(samples.get('verify')!), bareNs: median(samples.get('bare')!), bodyBytes: request.rawBody.length };
process.stdout.write(JSON.stringify(round));
