/**
 * One round of the guard benchmark, in its own process: the signature guard
 * of a real `@VerifiedWebhook` route, called with the ExecutionContext Nest
 * builds for a request, against the same check written by hand as a guard,
 * and against the bare HMAC. Secrets are fixed and the body is already on
 * the request, as Nest's JSON parser leaves it. Prints `GuardRound` as JSON.
 */
import 'reflect-metadata';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { WebhookSignatureGuard } from '../../src/webhook-signature.guard.js';
import { signWebhook } from '../../src/testing/index.js';
import { BenchAppModule, BenchController, HTTP_SCHEME, HTTP_SECRET, ROUTES } from '../http/bench-app.module.js';
import { jsonBody } from '../lib/bodies.js';
import { median, shuffled } from '../lib/stats.js';

/** Settings of a round, passed as JSON in argv[2]. */
export interface GuardRoundSettings {
  readonly sizes: readonly number[];
  /** Timed samples per check and size. */
  readonly samples: number;
  /** Target duration of one sample, in milliseconds. */
  readonly sampleMs: number;
  /** Untimed warm-up per check and size, in milliseconds. */
  readonly warmupMs: number;
}

/** CPU nanoseconds per call, median of the samples, by size and then by check (`guard`, `handWritten`, `bare`). */
export interface GuardRound {
  readonly cpuNsPerCall: Record<string, Record<string, number>>;
}

/** The check a user would write by hand as a guard: read the header, HMAC the raw body, compare in constant time. */
@Injectable()
class HandWrittenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders; rawBody: Buffer }>();
    const header = request.headers['fullup-signature'];
    if (typeof header !== 'string') return false;
    const signature = Buffer.from(header, 'hex');
    const digest = createHmac('sha256', HTTP_SECRET).update(request.rawBody).digest();
    return signature.length === digest.length && timingSafeEqual(signature, digest);
  }
}

type Check = () => boolean;

const settings: GuardRoundSettings = JSON.parse(process.argv[2] ?? '{}');
const app = await NestFactory.create(BenchAppModule, { rawBody: true, logger: false });
await app.init();
const guard = app.get(WebhookSignatureGuard, { strict: false });
const handWritten = new HandWrittenGuard();

/** Calls `check` `n` times; CPU nanoseconds per call. Throws unless every call passed. */
function timeCalls(check: Check, n: number): number {
  let passed = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) if (check()) passed++;
  const { user, system } = process.cpuUsage(start);
  if (passed !== n) throw new Error('a check failed on a correctly signed request');
  return ((user + system) * 1000) / n;
}

/**
 * Runs `check` for about `warmupMs` of this process's CPU time, and returns
 * how many calls take about `sampleMs`. CPU time rather than the wall clock:
 * on a loaded machine a wall-clock warm-up ends before the JIT has optimised
 * the guard.
 */
function warmUp(check: Check): number {
  let calls = 1;
  let perCall = 0;
  for (let spent = 0; spent < settings.warmupMs * 1e6;) {
    perCall = timeCalls(check, calls);
    spent += perCall * calls;
    calls = Math.min(calls * 2, Math.max(1, Math.round((settings.warmupMs * 1e6) / 8 / perCall)));
  }
  return Math.max(1, Math.round((settings.sampleMs * 1e6) / perCall));
}

/**
 * A guard called as Nest calls it: a fresh request per call (the guard marks
 * the requests it verified), in the context Nest builds for the route.
 */
function guardCall(target: CanActivate, headers: IncomingHttpHeaders, body: Buffer): Check {
  const args: unknown[] = [undefined, {}, () => undefined];
  const context = new ExecutionContextHost(args, BenchController, BenchController.prototype.guarded);
  context.setType('http');
  return () => {
    args[0] = { method: 'POST', url: ROUTES.guarded, originalUrl: ROUTES.guarded, protocol: 'http', params: {}, headers, rawBody: body };
    const verdict = target.canActivate(context);
    if (typeof verdict !== 'boolean') throw new Error('the guard answered asynchronously for fixed secrets and a body already read');
    return verdict;
  };
}

const round: GuardRound = { cpuNsPerCall: {} };
for (const size of settings.sizes) {
  const body = jsonBody(size);
  const headers: IncomingHttpHeaders = { 'content-type': 'application/json', ...signWebhook(HTTP_SCHEME, { secret: HTTP_SECRET, body }) };
  const expected = Buffer.from(headers['fullup-signature'] as string, 'hex');
  const checks = new Map<string, Check>([
    ['guard', guardCall(guard, headers, body)],
    ['handWritten', guardCall(handWritten, headers, body)],
    [
      'bare',
      () => {
        const digest = createHmac('sha256', HTTP_SECRET).update(body).digest();
        return digest.length === expected.length && timingSafeEqual(digest, expected);
      },
    ],
  ]);
  const calls = new Map([...checks].map(([key, check]) => [key, warmUp(check)]));
  const samples = new Map<string, number[]>([...checks.keys()].map((key) => [key, []]));
  for (let sample = 0; sample < settings.samples; sample++) {
    for (const key of shuffled([...checks.keys()])) samples.get(key)!.push(timeCalls(checks.get(key)!, calls.get(key)!));
  }
  round.cpuNsPerCall[size] = Object.fromEntries([...samples].map(([key, values]) => [key, median(values)]));
}
await app.close();
process.stdout.write(JSON.stringify(round));
