#!/usr/bin/env node
// The `nestjs-webhook-security` command: `diagnose` and `sign`. See `--help`.
import { runCli } from './run-cli.js';

async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) {
    process.stderr.write('Reading the body from standard input; end it with Ctrl-D, or give --body-file PATH.\n');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readStdin,
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`nestjs-webhook-security: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
