#!/usr/bin/env node
// Writes code blocks of a Markdown page into the current directory, as a reader
// would copy them: each ```ts file=<path> block whose path is named on the
// command line is written to that path. Reads the blocks as
// test/docs/markdown-blocks.ts does. Fails when a named block is missing.
// Usage: node write-page-blocks.mjs PAGE.md src/app.module.ts [more paths...]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const [page, ...wanted] = process.argv.slice(2);
const written = new Set();
let open;
for (const line of readFileSync(page, 'utf8').split('\n')) {
  const fence = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
  if (open) {
    if (fence && fence[3].trim() === '' && fence[2][0] === open.fence[0] && fence[2].length >= open.fence.length) {
      if (wanted.includes(open.file) && (open.lang === 'ts' || open.lang === 'typescript')) {
        mkdirSync(dirname(open.file), { recursive: true });
        writeFileSync(open.file, open.lines.join('\n') + '\n');
        written.add(open.file);
        console.log(`${open.file}: from ${page}`);
      }
      open = undefined;
    } else {
      open.lines.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
    }
  } else if (fence) {
    const [lang = '', ...words] = fence[3].trim().split(/\s+/);
    const file = words.find((word) => word.startsWith('file='))?.slice('file='.length);
    open = { fence: fence[2], indent: fence[1].length, lang, file, lines: [] };
  }
}
const missing = wanted.filter((file) => !written.has(file));
if (missing.length > 0) {
  console.error(`${page} has no \`\`\`ts file=<path> block for ${missing.join(', ')}`);
  process.exit(1);
}
