import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../../src/verifiers/built-in-verifiers.js';
import { runScript } from '../lib/processes.js';
import { median } from '../lib/stats.js';
import { fixed, markdownTable, micros } from '../lib/table.js';
import { check, type TargetCheck } from '../lib/targets.js';
import { HOSTILE_CASES } from './cases.js';
import type { HostileRound, HostileSettings } from './hostile-round.js';

/** Settings of the hostile phase. */
export interface HostilePhaseSettings extends Omit<HostileSettings, 'label'> {
  /** Rounds, each case in a fresh process. */
  readonly rounds: number;
  /** Only the cases of these schemes (`--schemes=a,b`). @default every case */
  readonly schemes?: readonly string[];
}

/** A case's medians over rounds; the ratio is taken within each round. */
export interface HostileRow {
  readonly label: string;
  readonly scheme: BuiltInScheme;
  readonly bodyBytes: number;
  readonly verifyNs: number;
  readonly bareNs: number;
  readonly verifyPerBare: number;
}

/** A scheme's costliest case, against the bound: 3 × bare HMAC over the same body, or 5 ms, whichever is larger. */
export interface HostileWorst extends HostileRow {
  readonly boundNs: number;
  readonly met: boolean;
}

export interface HostileResult {
  readonly rows: readonly HostileRow[];
  readonly worst: readonly HostileWorst[];
  readonly uncovered: readonly string[];
}

/** A scheme's worst case may cost up to this many bare HMACs over the same body... */
const MAX_PER_BARE = 3;
/** ...or this many nanoseconds of CPU, whichever is larger. */
const FLOOR_NS = 5e6;

/** Runs every hostile case `rounds` times, a process each, and reduces them to medians and each scheme's worst. */
export function runHostile(settings: HostilePhaseSettings): HostileResult {
  const cases = HOSTILE_CASES.filter(({ scheme }) => settings.schemes?.includes(scheme) ?? true);
  const rounds = new Map<string, HostileRound[]>(cases.map(({ label }) => [label, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (const { label } of cases) {
      rounds.get(label)!.push(runScript<HostileRound>('hostile/hostile-round.js', [JSON.stringify({ ...settings, label })]));
    }
  }
  const rows = cases.map(({ label, scheme }): HostileRow => {
    const caseRounds = rounds.get(label)!;
    return {
      label,
      scheme,
      bodyBytes: caseRounds[0]!.bodyBytes,
      verifyNs: median(caseRounds.map((round) => round.verifyNs)),
      bareNs: median(caseRounds.map((round) => round.bareNs)),
      verifyPerBare: median(caseRounds.map((round) => round.verifyNs / round.bareNs)),
    };
  });
  const schemes = [...new Set(rows.map((row) => row.scheme))];
  const worst = schemes.map((scheme): HostileWorst => {
    const row = rows.filter((candidate) => candidate.scheme === scheme).reduce((a, b) => (b.verifyNs > a.verifyNs ? b : a));
    const boundNs = Math.max(MAX_PER_BARE * row.bareNs, FLOOR_NS);
    return { ...row, boundNs, met: row.verifyNs <= boundNs };
  });
  const uncovered = Object.keys(BUILT_IN_VERIFIERS).filter((scheme) => !HOSTILE_CASES.some((hostile) => hostile.scheme === scheme));
  return { rows, worst, uncovered };
}

/** Every hostile case: CPU per call of the verifier and of a bare HMAC over the same body. */
export function hostileTable({ rows }: HostileResult): string {
  return markdownTable(
    ['scheme', 'unauthenticated request', 'verify µs', 'bare µs', 'verify/bare'],
    rows.map((row) => [row.scheme, row.label, micros(row.verifyNs), micros(row.bareNs), fixed(row.verifyPerBare)]),
  );
}

/** Each scheme's costliest request against its bound. */
export function hostileWorstTable({ worst }: HostileResult): string {
  return markdownTable(
    ['scheme', 'costliest request', 'verify µs', 'bound µs', 'target'],
    worst.map((row) => [row.scheme, row.label, micros(row.verifyNs), micros(row.boundNs), row.met ? 'met' : 'missed']),
  );
}

/** Per scheme: the worst case's CPU per call over its bound, at most 1. */
export function hostileTargets({ worst }: HostileResult): TargetCheck[] {
  return worst.map((row) => check(`hostile ${row.scheme} worst case / max(3 × bare HMAC, 5 ms)`, row.verifyNs / row.boundNs, 'max', 1));
}
