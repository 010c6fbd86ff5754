import { Agent, request } from 'node:http';
import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import type { SignInput } from '../../src/verifiers/webhook-verifier.interface.js';
import { OWN_PROPERTY_TESTS, SCHEME_DESCRIPTIONS, secretFor, urlFor, type SchemeVariant } from '../property/scheme-descriptions.js';
import { startLoadApp } from './load-app.js';

/*
 * 20,000 requests from node:http with a keep-alive agent, against a real app
 * on 127.0.0.1, with a known mix of valid and forged requests to every
 * built-in scheme. The server runs in this process: the handler's own
 * counters give the exact accounting with no IPC, and the heap measured
 * after a forced gc covers the guard, the parsers and the client alike, so a
 * request kept alive by either side shows.
 */
const WARM_UP = 1_000;
const REQUESTS = 20_000;
const CONCURRENCY = 64;
/** Bodies of about 2 KB: keeping the body of every request would hold some 40 MB. */
const PADDING = 'x'.repeat(2_000);
/** Growth of heapUsed + external allowed after the run and a forced gc. */
const HEAP_SLACK_BYTES = 16 * 1024 * 1024;
/** Growth of RSS allowed: the allocator keeps pages it has used, so this is looser. */
const RSS_SLACK_BYTES = 128 * 1024 * 1024;
const KINDS = ['valid', 'tampered body', 'wrong secret', 'stale timestamp', 'junk headers'] as const;
type Kind = (typeof KINDS)[number];
const JUNK = ['junk', ', , ,', 'sha256=' + 'z'.repeat(64), 't=1,v1=' + '0'.repeat(64), 'A'.repeat(44), '=' + 'é'.repeat(8)];

interface Signer {
  sign(input: SignInput): Record<string, string>;
}
interface Target {
  readonly provider: string;
  readonly variant: SchemeVariant;
  readonly signer: Signer;
  readonly secret: string;
}
interface Tally {
  sent: number;
  accepted: number;
  rejected: number;
  serverErrors: number;
  networkErrors: number;
  falseAccepts: number;
  falseRejects: number;
  byKind: Record<Kind, number>;
}

const providers = Object.keys(BUILT_IN_VERIFIERS) as (keyof typeof BUILT_IN_VERIFIERS)[];
const targets: Target[] = providers.flatMap((provider) =>
  (SCHEME_DESCRIPTIONS[provider] ?? []).map((variant) => ({
    provider,
    variant,
    signer: new BUILT_IN_VERIFIERS[provider]() as Signer,
    secret: secretFor(variant, `${provider}-load-secret`),
  })),
);

/** Request `index` of the mix: the target and kind cycle, so every target gets every kind. */
function build(index: number, port: number) {
  const target = targets[index % targets.length]!;
  let kind = KINDS[Math.floor(index / targets.length) % KINDS.length]!;
  if (kind === 'stale timestamp' && !target.variant.timestamp) kind = 'wrong secret';
  // A static token signs no body: changing it forges nothing.
  if (kind === 'tampered body' && !target.variant.signs.includes('body')) kind = 'wrong secret';
  const { provider, variant, signer, secret } = target;
  const form = variant.body === 'form';
  const fields = { id: `load-${index}`, provider, padding: PADDING };
  let body = Buffer.from(form ? new URLSearchParams(fields).toString() : JSON.stringify(fields));
  const origin = `http://127.0.0.1:${port}`;
  const url = urlFor(variant, `${origin}/load/${provider}`, body);
  const sign = (input: Partial<SignInput>) => {
    const headers = signer.sign({ secret, body, url, format: variant.format, ...input });
    for (const name of variant.omit ?? []) delete headers[name];
    return headers;
  };

  let headers = sign({});
  if (kind === 'tampered body') body = Buffer.from(body.toString().replace('xxxx', 'xxyx'));
  if (kind === 'wrong secret') headers = sign({ secret: secretFor(variant, `${provider}-old-secret`) });
  if (kind === 'stale timestamp') headers = sign({ timestamp: new Date(Date.now() - 3_600_000) });
  if (kind === 'junk headers') headers = Object.fromEntries(Object.keys(headers).map((name, i) => [name, JUNK[(index + i) % JUNK.length]!]));
  headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
  return { kind, path: url.slice(origin.length), body, headers };
}

function send(agent: Agent, port: number, path: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ agent, host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'content-length': body.length } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Sends requests `from` to `to - 1` with CONCURRENCY workers; status by request number. */
async function run(agent: Agent, port: number, from: number, to: number, statuses: Uint16Array, kinds: Kind[]): Promise<void> {
  let next = from;
  const worker = async () => {
    for (let index = next++; index < to; index = next++) {
      const { kind, path, body, headers } = build(index, port);
      kinds[index] = kind;
      statuses[index] = await send(agent, port, path, headers, body);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/**
 * Counts requests `from` to `to - 1` by outcome. A false accept is a forged
 * request answered 2xx or whose handler ran; a false reject is a valid one
 * not answered 2xx or whose handler did not run exactly once.
 */
function tally(from: number, to: number, statuses: Uint16Array, kinds: Kind[], handlerRuns: Uint8Array): Tally {
  const byKind = Object.fromEntries(KINDS.map((kind) => [kind, 0])) as Record<Kind, number>;
  const t: Tally = { sent: 0, accepted: 0, rejected: 0, serverErrors: 0, networkErrors: 0, falseAccepts: 0, falseRejects: 0, byKind };
  for (let index = from; index < to; index++) {
    const status = statuses[index]!;
    const ok = status >= 200 && status < 300;
    const valid = kinds[index] === 'valid';
    t.sent++;
    t.byKind[kinds[index]!]++;
    if (ok) t.accepted++;
    else if (status >= 400 && status < 500) t.rejected++;
    else if (status >= 500) t.serverErrors++;
    else t.networkErrors++;
    if (valid && (!ok || handlerRuns[index] !== 1)) t.falseRejects++;
    if (!valid && (ok || handlerRuns[index] !== 0)) t.falseAccepts++;
  }
  return t;
}

function memory() {
  for (let i = 0; i < 3; i++) globalThis.gc!();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heap: heapUsed + external, rss };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

it('accepts exactly the valid requests under load, answers no 5xx, and returns to its memory baseline', async () => {
  const undescribed = providers.filter((provider) => !SCHEME_DESCRIPTIONS[provider] && !OWN_PROPERTY_TESTS[provider]);
  expect(undescribed).toEqual([]); // describe them in test/property/scheme-descriptions.ts
  expect(globalThis.gc).toBeInstanceOf(Function); // run with node --expose-gc (npm run test:load)

  const total = WARM_UP + REQUESTS;
  const { app, runs, port } = await startLoadApp(Object.fromEntries(targets.map((t) => [t.provider, t.secret])), total);
  const statuses = new Uint16Array(total);
  const kinds: Kind[] = new Array<Kind>(total);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    await run(agent, port, 0, WARM_UP, statuses, kinds);
    const before = memory();
    const started = Date.now();
    await run(agent, port, WARM_UP, total, statuses, kinds);
    const seconds = (Date.now() - started) / 1000;
    agent.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = memory();

    const t = tally(WARM_UP, total, statuses, kinds, runs.byRequest);
    const warmUp = tally(0, WARM_UP, statuses, kinds, runs.byRequest);
    process.stdout.write(
      [
        `load: ${t.sent} requests in ${seconds.toFixed(1)} s at concurrency ${CONCURRENCY} to ${providers.join(', ')} (${targets.length} signing variants)`,
        `  mix: ${KINDS.map((kind) => `${kind} ${t.byKind[kind]}`).join(', ')}`,
        `  sent ${t.sent}, accepted ${t.accepted}, rejected ${t.rejected}, false accepts ${t.falseAccepts}, false rejects ${t.falseRejects}, 5xx ${t.serverErrors}, network errors ${t.networkErrors}`,
        `  memory (heapUsed + external) before ${mib(before.heap)}, after ${mib(after.heap)}; RSS before ${mib(before.rss)}, after ${mib(after.rss)}`,
        '',
      ].join('\n'),
    );

    for (const counts of [t, warmUp]) {
      expect(counts).toMatchObject({ falseAccepts: 0, falseRejects: 0, serverErrors: 0, networkErrors: 0 });
      expect(counts.accepted).toBe(counts.byKind.valid);
      expect(counts.rejected).toBe(counts.sent - counts.byKind.valid);
    }
    expect(runs.unknown).toBe(0);
    expect(t.sent).toBe(REQUESTS);
    expect(after.heap - before.heap).toBeLessThan(HEAP_SLACK_BYTES);
    expect(after.rss - before.rss).toBeLessThan(RSS_SLACK_BYTES);
  } finally {
    agent.destroy();
    await app.close();
  }
}, 120_000);
