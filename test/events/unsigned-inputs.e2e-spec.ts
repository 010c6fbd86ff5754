import { request as httpRequest, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, Injectable, Post } from '@nestjs/common';
import {
  MemoryReplayStore,
  OnWebhookEvent,
  VerifiedWebhook,
  WebhookEvent,
  WebhookSecurityModule,
  type VerifiedWebhookEvent,
  type WebhookEventContext,
} from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { ADAPTERS, createApp, type TestApp } from '../app/create-app.js';

const SECRETS = { stripe: 'whsec_unsigned_inputs', github: 'unsigned-inputs-github', githubNoReplay: 'unsigned-inputs-github' } as const;

/** What each reader of a delivery was given. */
const seen: { handler: string; eventType: string | undefined; event: unknown }[] = [];
const bodies: unknown[] = [];

@Controller('unsigned')
class UnsignedInputsController {
  @Post('stripe')
  @VerifiedWebhook('stripe', { dispatch: true })
  stripe(@WebhookEvent() { eventType, event }: VerifiedWebhookEvent, @Body() body: unknown) {
    seen.push({ handler: 'route.stripe', eventType, event });
    bodies.push(body);
  }

  @Post('stripe-plain')
  @VerifiedWebhook('stripe')
  stripePlain(@WebhookEvent() { eventType, event }: VerifiedWebhookEvent) {
    seen.push({ handler: 'route.stripePlain', eventType, event });
  }

  @Post('github')
  @VerifiedWebhook('github', { dispatch: true })
  github(@WebhookEvent() { eventType, event }: VerifiedWebhookEvent) {
    seen.push({ handler: 'route.github', eventType, event });
  }

  @Post('github-no-replay')
  @VerifiedWebhook('githubNoReplay', { dispatch: true })
  githubNoReplay() {}
}

@Injectable()
class Handlers {
  @OnWebhookEvent('stripe', 'invoice.paid')
  paid(event: unknown, context: WebhookEventContext) {
    seen.push({ handler: 'stripe.invoice.paid', eventType: context.eventType, event });
  }

  @OnWebhookEvent('stripe', '*')
  anyStripe(event: unknown, context: WebhookEventContext) {
    seen.push({ handler: 'stripe.*', eventType: context.eventType, event });
  }

  @OnWebhookEvent('github', 'issues.opened')
  issuesOpened(event: unknown, context: WebhookEventContext) {
    seen.push({ handler: 'github.issues.opened', eventType: context.eventType, event });
  }

  @OnWebhookEvent('github', 'pull_request.opened')
  prOpened(event: unknown, context: WebhookEventContext) {
    seen.push({ handler: 'github.pull_request.opened', eventType: context.eventType, event });
  }

  @OnWebhookEvent('github', '*')
  anyGithub(event: unknown, context: WebhookEventContext) {
    seen.push({ handler: 'github.*', eventType: context.eventType, event });
  }

  @OnWebhookEvent('githubNoReplay', 'pull_request.opened')
  prOpenedNoReplay(event: unknown, context: WebhookEventContext) {
    seen.push({ handler: 'githubNoReplay.pull_request.opened', eventType: context.eventType, event });
  }
}

/** A POST sent by hand, so that headers can be repeated (an array sends one line per value) and Host set at will. */
function post(server: Server, path: string, headers: OutgoingHttpHeaders, body: string | Buffer): Promise<{ status: number; text: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(ADAPTERS)('What an attacker without the secret can change of a signed delivery (%s)', (adapter) => {
  let t: TestApp;
  let server: Server;
  beforeAll(async () => {
    t = await createApp(
      WebhookSecurityModule.forRoot({
        providers: {
          stripe: { scheme: 'stripe', secret: SECRETS.stripe, replay: { store: new MemoryReplayStore() } },
          github: { scheme: 'github', secret: SECRETS.github, replay: { store: new MemoryReplayStore() } },
          githubNoReplay: { scheme: 'github', secret: SECRETS.githubNoReplay },
        },
      }),
      { adapter, controllers: [UnsignedInputsController], providers: [Handlers] },
    );
    server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => t.app.close());
  beforeEach(() => {
    seen.splice(0);
    bodies.splice(0);
  });

  const stripeEvent = (id: string, type = 'invoice.paid') => JSON.stringify({ id, type, data: { object: { id: 'in_1' } } });
  const stripeSigned = (body: string | Buffer) => signWebhook('stripe', { secret: SECRETS.stripe, body });
  const githubSigned = (body: string, secret: string = SECRETS.github) => signWebhook('github', { secret, body });

  it('a genuine Stripe delivery reaches its handlers and the route: the baseline', async () => {
    const body = stripeEvent('evt_baseline');
    const res = await post(server, '/unsigned/stripe', { 'content-type': 'application/json', ...stripeSigned(body) }, body);
    expect(res.status).toBe(200);
    expect(seen.map((s) => [s.handler, s.eventType])).toEqual([
      ['stripe.invoice.paid', 'invoice.paid'],
      ['stripe.*', 'invoice.paid'],
      ['route.stripe', 'invoice.paid'],
    ]);
  });

  it('an altered body with the genuine signature header repeated next to a made-up one: rejected, no handler', async () => {
    const genuine = stripeEvent('evt_dup_sig');
    const forged = stripeEvent('evt_dup_sig', 'customer.deleted');
    const res = await post(
      server,
      '/unsigned/stripe',
      {
        'content-type': 'application/json',
        'stripe-signature': [stripeSigned(genuine)['stripe-signature']!, `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`],
      },
      forged,
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(seen).toEqual([]);
  });

  // On Express body-parser decodes the declared charset and refuses the text before the guard (400);
  // the guard refuses every charset parameter other than UTF-8 (415), and Fastify never gets past it.
  it.each([
    ['application/json; charset=utf-16le', 400],
    ['application/json; charset=utf-8; charset=utf-16le', 415],
    ['application/json; charset="utf-16le"', 400],
    ['application/json;Charset=UTF-16', 400],
  ])('a genuine body sent as %j: refused, no handler', async (contentType, expressStatus) => {
    const body = stripeEvent(`evt_cs_${contentType.length}`);
    const res = await post(server, '/unsigned/stripe', { 'content-type': contentType, ...stripeSigned(body) }, body);
    expect(res.status).toBe(adapter === 'express' ? expressStatus : 415);
    expect(seen).toEqual([]);
  });

  // Express's JSON parser skips text/plain and the guard reads the bytes itself; Fastify's own text parser kept no copy: 415.
  it('a genuine body sent as text/plain, which the app JSON parser skips: handled from the signed bytes, or refused', async () => {
    const body = stripeEvent('evt_text_plain');
    const res = await post(server, '/unsigned/stripe', { 'content-type': 'text/plain', ...stripeSigned(body) }, body);
    if (adapter === 'express') {
      expect(res.status).toBe(200);
      expect(seen.map((s) => s.event)).toEqual([JSON.parse(body), JSON.parse(body), JSON.parse(body)]);
    } else {
      expect(res.status).toBe(415);
      expect(seen).toEqual([]);
    }
  });

  it('a signed body with two byte order marks: no handler gets a value read past the first', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from(stripeEvent('evt_two_boms'))]);
    const res = await post(server, '/unsigned/stripe', { 'content-type': 'application/json', ...stripeSigned(body) }, body);
    expect(res.status).toBe(400);
    expect(seen).toEqual([]);
  });

  it('a Stripe delivery replayed to the GitHub route: rejected', async () => {
    const body = stripeEvent('evt_cross_route');
    const res = await post(server, '/unsigned/github', { 'content-type': 'application/json', ...stripeSigned(body), 'x-github-event': 'issues' }, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(seen).toEqual([]);
  });

  it('a Stripe delivery with a forged Host: handled as signed (Stripe signs no URL)', async () => {
    const body = stripeEvent('evt_host');
    const res = await post(server, '/unsigned/stripe', { 'content-type': 'application/json', host: 'evil.example:1', ...stripeSigned(body) }, body);
    expect(res.status).toBe(200);
    expect(seen.map((s) => s.eventType)).toEqual(['invoice.paid', 'invoice.paid', 'invoice.paid']);
  });

  const issue = (n: number) => JSON.stringify({ action: 'opened', issue: { number: n } });

  it('GitHub with replay on: a signed issues body replayed under another X-GitHub-Event is a duplicate', async () => {
    const body = issue(1);
    const first = await post(server, '/unsigned/github', { 'content-type': 'application/json', 'x-github-event': 'issues', ...githubSigned(body) }, body);
    expect(first.status).toBe(200);
    const replayed = await post(
      server,
      '/unsigned/github',
      { 'content-type': 'application/json', 'x-github-event': 'pull_request', ...githubSigned(body) },
      body,
    );
    expect(replayed.status).toBeLessThan(300);
    expect(seen.map((s) => [s.handler, s.eventType])).toEqual([
      ['github.issues.opened', 'issues.opened'],
      ['github.*', 'issues.opened'],
      ['route.github', 'issues.opened'],
    ]);
  });

  it('GitHub with replay on: a first delivery sent by the attacker under another event header goes to the other handler', async () => {
    const body = issue(2);
    const res = await post(server, '/unsigned/github', { 'content-type': 'application/json', 'x-github-event': 'pull_request', ...githubSigned(body) }, body);
    expect(res.status).toBe(200);
    expect(seen.map((s) => [s.handler, s.eventType])).toEqual([
      ['github.pull_request.opened', 'pull_request.opened'],
      ['github.*', 'pull_request.opened'],
      ['route.github', 'pull_request.opened'],
    ]);
  });

  it('GitHub: two X-GitHub-Event headers are read as one type, which no named handler takes', async () => {
    const body = issue(3);
    const res = await post(
      server,
      '/unsigned/github',
      { 'content-type': 'application/json', 'x-github-event': ['issues', 'pull_request'], ...githubSigned(body) },
      body,
    );
    expect(res.status).toBe(200);
    expect(seen.map((s) => [s.handler, s.eventType])).toEqual([
      ['github.*', 'issues, pull_request.opened'],
      ['route.github', 'issues, pull_request.opened'],
    ]);
  });

  it('GitHub: an X-GitHub-Event that writes a whole type names none', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const res = await post(server, '/unsigned/github', { 'content-type': 'application/json', 'x-github-event': 'issues.opened', ...githubSigned(body) }, body);
    expect(res.status).toBe(200);
    expect(seen.map((s) => [s.handler, s.eventType])).toEqual([['route.github', undefined]]);
  });

  it('GitHub: a signed body sent with no X-GitHub-Event names no type, whatever its action', async () => {
    const body = issue(5);
    const res = await post(server, '/unsigned/github', { 'content-type': 'application/json', ...githubSigned(body) }, body);
    expect(res.status).toBe(200);
    expect(seen.map((s) => [s.handler, s.eventType])).toEqual([['route.github', undefined]]);
  });

  it('a genuine Stripe delivery replayed to another route of the same provider: a duplicate, no handler', async () => {
    const body = stripeEvent('evt_other_route');
    expect((await post(server, '/unsigned/stripe', { 'content-type': 'application/json', ...stripeSigned(body) }, body)).status).toBe(200);
    seen.splice(0);
    const replayed = await post(server, '/unsigned/stripe-plain', { 'content-type': 'application/json', ...stripeSigned(body) }, body);
    expect(replayed.status).toBeLessThan(300);
    expect(seen).toEqual([]);
  });

  it('GitHub with replay off: the same body under another header goes to the other handler (the startup warning)', async () => {
    const body = issue(4);
    const res = await post(
      server,
      '/unsigned/github-no-replay',
      { 'content-type': 'application/json', 'x-github-event': 'pull_request', ...githubSigned(body) },
      body,
    );
    expect(res.status).toBe(200);
    expect(seen.map((s) => s.handler)).toEqual(['githubNoReplay.pull_request.opened']);
    expect(t.logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toContainEqual(
      expect.stringContaining("'githubNoReplay' routes events by x-github-event"),
    );
  });
});
