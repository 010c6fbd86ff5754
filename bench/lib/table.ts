/** A Markdown table with its columns padded, so it reads in a terminal and pastes into docs/performance.md. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** A number with `digits` decimals. */
export const fixed = (value: number, digits = 2): string => value.toFixed(digits);

/** Microseconds from nanoseconds, with precision suited to the size. */
export const micros = (ns: number): string => (ns >= 100_000 ? (ns / 1000).toFixed(0) : (ns / 1000).toFixed(2));

/** Mebibytes from bytes. */
export const mebibytes = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1);
