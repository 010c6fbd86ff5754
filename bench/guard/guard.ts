import { formatSize } from '../lib/bodies.js';
import { runScript } from '../lib/processes.js';
import { median } from '../lib/stats.js';
import { fixed, markdownTable, micros } from '../lib/table.js';
import { check, type TargetCheck } from '../lib/targets.js';
import type { GuardRound, GuardRoundSettings } from './guard-round.js';

/** Settings of the guard phase. */
export interface GuardSettings extends GuardRoundSettings {
  /** Rounds, each in a fresh process. */
  readonly rounds: number;
}

/** One body size: medians over rounds; ratios are taken within each round. */
export interface GuardRow {
  readonly size: number;
  readonly bareNs: number;
  readonly guardNs: number;
  readonly handWrittenNs: number;
  readonly guardPerBare: number;
  readonly handWrittenPerBare: number;
  readonly guardPerHandWritten: number;
}

export interface GuardResult {
  readonly rows: readonly GuardRow[];
  readonly rounds: readonly GuardRound[];
}

/** Runs the rounds, one process each, and reduces them to medians and in-round ratios. */
export function runGuard(settings: GuardSettings): GuardResult {
  const rounds: GuardRound[] = [];
  for (let round = 0; round < settings.rounds; round++) rounds.push(runScript<GuardRound>('guard/guard-round.js', [JSON.stringify(settings)]));
  const rows = settings.sizes.map((size): GuardRow => {
    const of = (key: string): number[] => rounds.map((round) => round.cpuNsPerCall[size]![key]!);
    const ratio = (a: number[], b: number[]): number => median(a.map((value, round) => value / b[round]!));
    const [bare, guard, handWritten] = [of('bare'), of('guard'), of('handWritten')];
    return {
      size,
      bareNs: median(bare),
      guardNs: median(guard),
      handWrittenNs: median(handWritten),
      guardPerBare: ratio(guard, bare),
      handWrittenPerBare: ratio(handWritten, bare),
      guardPerHandWritten: ratio(guard, handWritten),
    };
  });
  return { rows, rounds };
}

/** The guard table: CPU µs per call and the ratios, one line per body size. */
export function guardTable({ rows }: GuardResult): string {
  return markdownTable(
    ['body', 'bare HMAC µs', 'guard µs', 'hand-written guard µs', 'guard/bare', 'hand-written/bare', 'guard/hand-written'],
    rows.map((row) => [
      formatSize(row.size),
      micros(row.bareNs),
      micros(row.guardNs),
      micros(row.handWrittenNs),
      fixed(row.guardPerBare),
      fixed(row.handWrittenPerBare),
      fixed(row.guardPerHandWritten),
    ]),
  );
}

/** The whole guard over the bare HMAC: ≤ 1.30 at 1 KiB, ≤ 1.05 above. */
export function guardTargets({ rows }: GuardResult): TargetCheck[] {
  return rows.map((row) => check(`guard ${formatSize(row.size)} guard/bare`, row.guardPerBare, 'max', row.size <= 1024 ? 1.3 : 1.05));
}
