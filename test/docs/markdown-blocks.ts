import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A fenced code block of a Markdown page, as `.ci/docs-check.mjs` reads it. */
export interface MarkdownBlock {
  /** The info string's first word: `ts`, `bash`, … */
  readonly lang: string;
  /** The name given as `file=<path>` in the info string, if any. */
  readonly file?: string;
  /** Line of the block's first line of code, from 1. */
  readonly line: number;
  /** The code, without the fence and the list indentation. */
  readonly code: string;
}

/** The fenced code blocks of the Markdown file at `path`. */
export function markdownBlocks(path: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let open: { fence: string; indent: number; lang: string; file?: string; line: number; lines: string[] } | undefined;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const fence = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
      if (open) {
        if (fence && fence[3]!.trim() === '' && fence[2]![0] === open.fence[0] && fence[2]!.length >= open.fence.length) {
          blocks.push({ lang: open.lang, file: open.file, line: open.line, code: open.lines.join('\n') + '\n' });
          open = undefined;
        } else {
          open.lines.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
        }
      } else if (fence) {
        const [lang = '', ...words] = fence[3]!.trim().split(/\s+/);
        const file = words.find((word) => word.startsWith('file='))?.slice('file='.length);
        open = { fence: fence[2]!, indent: fence[1]!.length, lang, file, line: index + 2, lines: [] };
      }
    });
  return blocks;
}

/** Writes each block named `file=<path>` in `pages` under `dir`, and returns the paths written, by name. */
export function writeNamedBlocks(pages: readonly string[], dir: string): Map<string, string> {
  const written = new Map<string, string>();
  for (const page of pages) {
    for (const block of markdownBlocks(page)) {
      if (!block.file || (block.lang !== 'ts' && block.lang !== 'typescript')) continue;
      const path = join(dir, block.file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, block.code);
      written.set(block.file, path);
    }
  }
  return written;
}
