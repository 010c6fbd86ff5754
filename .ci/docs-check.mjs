#!/usr/bin/env node
// Checks the Markdown docs (README.md and docs/**/*.md) the way a user meets them:
// - every ```ts block compiles as a file of its own in a user's app, with
//   'nestjs-webhook-security' and 'nestjs-webhook-security/testing' resolved to
//   the sources, or with --built to the built package (dist/, through the
//   package.json exports map, as a user's app resolves it; run npm run build first). A block marked ```ts fragment is skipped: keep those few, and
//   start each with a comment that says it is "not type-checked", for readers.
//   Every block is a file of one app shared by every page: a block marked
//   ```ts file=src/app.module.ts is written at that path, the others beside it
//   in src/, so that any block can import it ('./app.module.js'). The README's
//   Quick start is that app.
// - every relative link resolves to a file, and every #anchor to a heading;
// - README.md stays within 12 KiB.
// Failures are reported as file:line, and the exit status is 1.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.docs-check');
const README_LIMIT = 12 * 1024;
const built = process.argv.includes('--built');

/** README.md and every .md file under docs/, as paths relative to the root. */
function markdownFiles() {
  const files = ['README.md'];
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  walk('docs');
  return files;
}

/** The fenced code blocks of a page, and its text outside them with their line numbers. */
function parse(text) {
  const blocks = [];
  const prose = [];
  let open;
  text.split('\n').forEach((line, index) => {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
    if (open) {
      if (fence && fence[2][0] === open.fence[0] && fence[2].length >= open.fence.length && fence[3].trim() === '') {
        blocks.push(open);
        open = undefined;
      } else {
        open.lines.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
      }
    } else if (fence) {
      const [lang = '', ...words] = fence[3].trim().split(/\s+/);
      open = { fence: fence[2], indent: fence[1].length, lang, words, line: index + 2, lines: [] };
    } else {
      prose.push({ line: index + 1, text: line });
    }
  });
  if (open) blocks.push({ ...open, unclosed: true });
  return { blocks, prose };
}

/** GitHub's anchor for a heading. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(path) {
  const seen = new Map();
  const result = new Set();
  for (const { text } of parse(readFileSync(path, 'utf8')).prose) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

const failures = [];
const fail = (file, line, message) => failures.push(`${file}:${line}: ${message}`);

const files = markdownFiles();
const snippets = new Map(); // written file -> { file, line } of the block's first line
let fragments = 0;
let links = 0;
rmSync(outDir, { recursive: true, force: true });

for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8');
  const { blocks, prose } = parse(text);

  for (const block of blocks) {
    if (block.unclosed) fail(file, block.line - 1, 'code block is never closed');
    if (block.lang !== 'ts' && block.lang !== 'typescript') continue;
    if (block.words.includes('fragment')) {
      // The reader sees no info string: the block itself must say it is not checked.
      if (!/^\s*\/\/.*not type-checked/.test(block.lines[0] ?? '')) {
        fail(file, block.line, 'a fragment must start with a comment that says it is not type-checked');
      }
      fragments++;
      continue;
    }
    const named = block.words.find((word) => word.startsWith('file='))?.slice('file='.length);
    const target = join(outDir, 'app', named ?? `src/${file.replace(/\.md$/, '').replace(/[/\\]/g, '__')}-L${block.line}.ts`);
    if (snippets.has(target)) fail(file, block.line - 1, `${named} is also the name of a block at ${snippets.get(target).file}:${snippets.get(target).line - 1}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, block.lines.join('\n') + '\n');
    snippets.set(target, { file, line: block.line });
  }

  for (const { line, text: raw } of prose) {
    const outsideCode = raw.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length));
    for (const match of outsideCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const href = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto: …
      links++;
      const [path, anchor] = href.split('#');
      const targetPath = path ? resolve(root, dirname(file), decodeURIComponent(path)) : join(root, file);
      if (!existsSync(targetPath)) {
        fail(file, line, `link to ${href}: ${relative(root, targetPath)} does not exist`);
      } else if (anchor !== undefined && targetPath.endsWith('.md') && !anchors(targetPath).has(anchor)) {
        fail(file, line, `link to ${href}: no heading with the anchor #${anchor} in ${relative(root, targetPath)}`);
      }
    }
  }
}

const readmeBytes = statSync(join(root, 'README.md')).size;
if (readmeBytes > README_LIMIT) fail('README.md', 1, `${readmeBytes} bytes, over the limit of ${README_LIMIT}: move detail to docs/`);

// A user's app: ESM (the root package.json says "type": "module"), strict, decorators on.
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        moduleDetection: 'force',
        lib: ['ES2023'],
        types: ['node', 'jest'],
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        isolatedModules: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
        // Without paths, the package name resolves to the root package.json's exports: the built package.
        ...(built
          ? {}
          : {
              paths: {
                'nestjs-webhook-security': ['../src/index.ts'],
                'nestjs-webhook-security/testing': ['../src/testing/index.ts'],
              },
            }),
      },
      include: ['**/*.ts'],
    },
    null,
    2,
  ),
);

if (built && !existsSync(join(root, 'dist/esm/index.d.ts'))) fail('package.json', 1, '--built needs the build: run npm run build first');

if (snippets.size > 0) {
  let output = '';
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(outDir, 'tsconfig.json'), '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  } catch (error) {
    output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    if (!output.trim()) throw error;
  }
  let last;
  for (const line of output.split('\n')) {
    const diagnostic = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (diagnostic) {
      const [, path, row, column, code, message] = diagnostic;
      const snippet = snippets.get(resolve(root, path));
      last = snippet
        ? `${snippet.file}:${snippet.line + Number(row) - 1}:${column}: ${code} ${message}`
        : `${path}:${row}:${column}: ${code} ${message}`;
      failures.push(last);
    } else if (line.trim() && last) {
      failures[failures.length - 1] += `\n    ${line.trim()}`;
    } else if (line.trim()) {
      failures.push(line);
    }
  }
}

for (const failure of failures) console.error(failure);
console.log(
  `docs: ${snippets.size} TypeScript blocks type-checked against the ${built ? 'built package' : 'sources'}, ${fragments} marked fragment, ${links} relative links checked, ` +
    `in ${files.length} files; README.md is ${readmeBytes} bytes`,
);
if (failures.length > 0) {
  console.error(`docs: ${failures.length} problem(s)`);
  process.exit(1);
}
