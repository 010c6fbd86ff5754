import { formatSize } from '../lib/bodies.js';
import { runScript } from '../lib/processes.js';
import { median } from '../lib/stats.js';
import { fixed, markdownTable, micros } from '../lib/table.js';
import { check, type TargetCheck } from '../lib/targets.js';
import { MICRO_CASES } from './cases.js';
import type { MicroRound, MicroSettings } from './micro-round.js';

/** Settings of the micro phase. */
export interface MicroPhaseSettings extends MicroSettings {
  /** Rounds, each in a fresh process. */
  readonly rounds: number;
}

/** A vendor SDK's figures on one body, next to ours. */
export interface SdkFigures {
  readonly name: string;
  readonly ns: number;
  readonly perBare: number;
  /** Our verify over the SDK's, per round, median. */
  readonly verifyPerSdk: number;
}

/** One case on one body size: medians over rounds; ratios are taken within each round. */
export interface MicroRow {
  readonly label: string;
  readonly size: number;
  readonly bareNs: number;
  readonly verifyNs: number;
  readonly verifyPerBare: number;
  readonly sdks: readonly SdkFigures[];
}

export interface MicroResult {
  readonly rows: readonly MicroRow[];
  readonly uncovered: readonly string[];
  readonly rounds: readonly MicroRound[];
}

/** Runs the rounds, each in its own process, and reduces them to medians and in-round ratios. */
export function runMicro(settings: MicroPhaseSettings): MicroResult {
  const rounds: MicroRound[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    rounds.push(runScript<MicroRound>('micro/micro-round.js', [JSON.stringify(settings)]));
  }
  const rows: MicroRow[] = [];
  for (const microCase of MICRO_CASES) {
    for (const size of Object.keys(rounds[0]!.nsPerCall).map(Number)) {
      const of = (key: string): number[] => rounds.map((round) => round.nsPerCall[size]![`${microCase.label}/${key}`]!);
      const ratio = (a: number[], b: number[]): number => median(a.map((value, round) => value / b[round]!));
      const bare = of('bare');
      const verify = of('verify');
      const sdkKeys = Object.keys(rounds[0]!.nsPerCall[size]!).filter((key) => key.startsWith(`${microCase.label}/sdk:`));
      rows.push({
        label: microCase.label,
        size,
        bareNs: median(bare),
        verifyNs: median(verify),
        verifyPerBare: ratio(verify, bare),
        sdks: sdkKeys.map((key) => {
          const sdk = of(key.slice(microCase.label.length + 1));
          return { name: key.slice(key.indexOf('/sdk:') + 5), ns: median(sdk), perBare: ratio(sdk, bare), verifyPerSdk: ratio(verify, sdk) };
        }),
      });
    }
  }
  return { rows, uncovered: rounds[0]!.uncovered, rounds };
}

/** The micro table: one line per case and size, one more per extra SDK. */
export function microTable({ rows }: MicroResult): string {
  const lines: string[][] = [];
  for (const row of rows) {
    const ours = [row.label, formatSize(row.size), micros(row.bareNs), micros(row.verifyNs), fixed(row.verifyPerBare)];
    if (row.sdks.length === 0) lines.push([...ours, '—', '', '', '']);
    row.sdks.forEach((sdk, index) => {
      lines.push([...(index === 0 ? ours : ours.map(() => '')), sdk.name, micros(sdk.ns), fixed(sdk.perBare), fixed(sdk.verifyPerSdk)]);
    });
  }
  return markdownTable(['scheme', 'body', 'bare µs', 'verify µs', 'verify/bare', 'vendor SDK', 'SDK µs', 'SDK/bare', 'verify/SDK'], lines);
}

/** verify/bare ≤ 1.30 at 1 KiB and ≤ 1.10 above; verify/SDK ≤ 1 everywhere. */
export function microTargets({ rows }: MicroResult): TargetCheck[] {
  return rows.flatMap((row) => [
    check(`micro ${row.label} ${formatSize(row.size)} verify/bare`, row.verifyPerBare, 'max', row.size < 16 * 1024 ? 1.3 : 1.1),
    ...row.sdks.map((sdk) => check(`micro ${row.label} ${formatSize(row.size)} verify/${sdk.name}`, sdk.verifyPerSdk, 'max', 1)),
  ]);
}
