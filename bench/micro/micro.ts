import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../../src/verifiers/built-in-verifiers.js';
import { formatSize } from '../lib/bodies.js';
import { runScript } from '../lib/processes.js';
import { median } from '../lib/stats.js';
import { fixed, markdownTable, micros } from '../lib/table.js';
import { check, type TargetCheck } from '../lib/targets.js';
import { MICRO_CASES } from './cases.js';
import type { MicroRound, MicroSettings } from './micro-round.js';

/** Settings of the micro phase. */
export interface MicroPhaseSettings extends Omit<MicroSettings, 'label'> {
  /** Rounds, each in a fresh process. */
  readonly rounds: number;
  /** Only the cases of these schemes (`--schemes=discord,sendgrid`). @default every case */
  readonly schemes?: readonly string[];
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
  /** Every round of every case, by case label. */
  readonly rounds: Readonly<Record<string, readonly MicroRound[]>>;
}

/** Runs the rounds, one process per case and round, and reduces them to medians and in-round ratios. */
export function runMicro(settings: MicroPhaseSettings): MicroResult {
  const { schemes } = settings;
  const unknown = schemes?.filter((scheme) => !MICRO_CASES.some((microCase) => microCase.scheme === scheme)) ?? [];
  if (unknown.length > 0)
    throw new Error(`No micro case for --schemes=${unknown.join(',')}; cases exist for: ${[...new Set(MICRO_CASES.map(({ scheme }) => scheme))].join(', ')}`);
  const cases = schemes ? MICRO_CASES.filter(({ scheme }) => schemes.includes(scheme)) : MICRO_CASES;
  const rounds = new Map<string, MicroRound[]>(cases.map(({ label }) => [label, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (const { label } of cases) {
      rounds.get(label)!.push(runScript<MicroRound>('micro/micro-round.js', [JSON.stringify({ ...settings, label })]));
    }
  }
  const rows: MicroRow[] = [];
  for (const [label, caseRounds] of rounds) {
    for (const size of Object.keys(caseRounds[0]!.cpuNsPerCall).map(Number)) {
      const of = (key: string): number[] => caseRounds.map((round) => round.cpuNsPerCall[size]![key]!);
      const ratio = (a: number[], b: number[]): number => median(a.map((value, round) => value / b[round]!));
      const bare = of('bare');
      const verify = of('verify');
      const sdkKeys = Object.keys(caseRounds[0]!.cpuNsPerCall[size]!).filter((key) => key.startsWith('sdk:'));
      rows.push({
        label,
        size,
        bareNs: median(bare),
        verifyNs: median(verify),
        verifyPerBare: ratio(verify, bare),
        sdks: sdkKeys.map((key) => {
          const sdk = of(key);
          return { name: key.slice('sdk:'.length), ns: median(sdk), perBare: ratio(sdk, bare), verifyPerSdk: ratio(verify, sdk) };
        }),
      });
    }
  }
  const covered = new Set(MICRO_CASES.map(({ scheme }) => scheme));
  const uncovered = schemes ? [] : Object.keys(BUILT_IN_VERIFIERS).filter((scheme) => !covered.has(scheme as BuiltInScheme));
  return { rows, uncovered, rounds: Object.fromEntries(rounds) };
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

/** The micro ratios at a glance: one line per case (one more per extra SDK), one column per body size. */
export function microSummaryTable({ rows }: MicroResult): string {
  const sizes = [...new Set(rows.map((row) => row.size))];
  const lines: string[][] = [];
  for (const label of new Set(rows.map((row) => row.label))) {
    // A form scheme has no row for bodies above its limit.
    const caseRows = sizes.map((size) => rows.find((row) => row.label === label && row.size === size));
    const sdkNames = caseRows[0]!.sdks.map((sdk) => sdk.name);
    const perSdk = (name: string | undefined) =>
      caseRows.map((row) => {
        const sdk = row?.sdks.find((candidate) => candidate.name === name);
        return sdk ? fixed(sdk.verifyPerSdk) : '';
      });
    lines.push([label, ...caseRows.map((row) => (row ? fixed(row.verifyPerBare) : '—')), sdkNames[0] ?? '—', ...perSdk(sdkNames[0])]);
    for (const name of sdkNames.slice(1)) lines.push(['', ...sizes.map(() => ''), name, ...perSdk(name)]);
  }
  const sizeLabels = sizes.map(formatSize);
  return markdownTable(['scheme', ...sizeLabels.map((size) => `verify/bare ${size}`), 'vendor SDK', ...sizeLabels.map((size) => `verify/SDK ${size}`)], lines);
}

/** verify/bare ≤ 1.30 at 1 KiB and ≤ 1.10 above; verify/SDK ≤ 1 everywhere. */
export function microTargets({ rows }: MicroResult): TargetCheck[] {
  return rows.flatMap((row) => [
    check(`micro ${row.label} ${formatSize(row.size)} verify/bare`, row.verifyPerBare, 'max', row.size < 16 * 1024 ? 1.3 : 1.1),
    ...row.sdks.map((sdk) => check(`micro ${row.label} ${formatSize(row.size)} verify/${sdk.name}`, sdk.verifyPerSdk, 'max', 1)),
  ]);
}
