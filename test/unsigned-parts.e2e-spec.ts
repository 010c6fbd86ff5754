import { Controller, HttpCode, Inject, Post, Req, type Type } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule, type RawBodyRequest } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { createApp, type TestApp } from './app/create-app.js';
import { DeliveryLog } from './app/webhooks.controller.js';
import { rawExchange, send } from './support/raw-http.js';

/*
 * What a signature does not cover, end to end on Express: a stale signed
 * delivery beside a fresh timestamp in a repeated header, and header bytes
 * past ASCII (obs-text, read by Node as Latin-1) in signatures and
 * timestamps. None reaches a handler; none gets a 5xx.
 */
const KEY = Buffer.from('unsigned-parts-key-bytes').toString('base64');
const SECRETS = { github: 'github-secret', paddle: 'pdl_ntfset_secret', standardwebhooks: `whsec_${KEY}`, supabase: `v1,whsec_${KEY}` } as const;
type Scheme = keyof typeof SECRETS;
const BODY = '{"id":"evt_1","notification_id":"ntf_1","amount":100}';
const JSON_TYPE = { 'content-type': 'application/json' };
/** An hour ago, in Unix seconds: outside the default tolerance. */
const stale = () => Math.floor(Date.now() / 1000) - 3600;

function controller(scheme: Scheme): Type {
  @Controller(`unsigned/${scheme}`)
  class UnsignedController {
    constructor(@Inject(DeliveryLog) private readonly log: DeliveryLog) {}

    @Post()
    @HttpCode(200)
    @VerifiedWebhook(scheme)
    receive(@Req() request: RawBodyRequest) {
      this.log.deliveries.push({ provider: scheme, body: undefined, rawBody: request.rawBody?.toString('utf8') });
      return { received: true };
    }
  }
  return UnsignedController;
}

let t: TestApp;
let port: number;
beforeAll(async () => {
  const providers = Object.fromEntries(Object.entries(SECRETS).map(([scheme, secret]) => [scheme, { secret }]));
  t = await createApp(WebhookSecurityModule.forRoot({ providers }), { controllers: (Object.keys(SECRETS) as Scheme[]).map(controller) });
  await t.app.listen(0, '127.0.0.1');
  port = (t.app.getHttpServer().address() as { port: number }).port;
});
afterAll(() => t.app.close());
beforeEach(() => {
  t.log.deliveries.length = 0;
});

const sign = (scheme: Scheme, timestamp?: number | string) => signWebhook(scheme, { secret: SECRETS[scheme], body: BODY, timestamp });

describe('a stale signed delivery beside a fresh timestamp, in a repeated header', () => {
  it('rejects a Paddle-Signature repeated with a fresh ts, in either order: 401', async () => {
    const old = sign('paddle', stale())['paddle-signature']!;
    const fresh = sign('paddle')['paddle-signature']!;
    // The fresh header's h1 is forged: only the stale one is a signature of this body.
    const forged = fresh.replace(/h1=[0-9a-f]+/, `h1=${'0'.repeat(64)}`);
    expect((await send(port, '/unsigned/paddle', { ...JSON_TYPE, 'paddle-signature': fresh }, BODY)).status).toBe(200);
    expect((await send(port, '/unsigned/paddle', { ...JSON_TYPE, 'paddle-signature': old }, BODY)).status).toBe(401);
    for (const repeated of [
      [old, forged],
      [forged, old],
    ]) {
      expect((await send(port, '/unsigned/paddle', { ...JSON_TYPE, 'paddle-signature': repeated }, BODY)).status).toBe(401);
    }
    expect(t.log.deliveries).toHaveLength(1);
  });

  it('rejects a Standard Webhooks delivery whose webhook-timestamp is repeated beside a fresh one, in either order: 401', async () => {
    const old = sign('standardwebhooks', stale());
    const fresh = sign('standardwebhooks')['webhook-timestamp']!;
    for (const timestamps of [
      [old['webhook-timestamp']!, fresh],
      [fresh, old['webhook-timestamp']!],
    ]) {
      const res = await send(port, '/unsigned/standardwebhooks', { ...JSON_TYPE, ...old, 'webhook-timestamp': timestamps }, BODY);
      expect(res.status).toBe(401);
    }
    expect(t.log.deliveries).toEqual([]);
  });
});

describe('header bytes past ASCII and list separators around a signature', () => {
  /** Sends `headers` as raw bytes, each string written as Latin-1, and gives the status. */
  const rawStatus = async (path: string, headers: Record<string, string>) => {
    const lines = Object.entries({
      host: `127.0.0.1:${port}`,
      ...JSON_TYPE,
      'content-length': String(Buffer.byteLength(BODY)),
      connection: 'close',
      ...headers,
    })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const answer = await rawExchange(port, Buffer.from(`POST ${path} HTTP/1.1\r\n${lines}\r\n${BODY}`, 'latin1'));
    return Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
  };

  it('refuses as malformed a timestamp signed as written that is not 1 to 12 ASCII digits: a sign, a superscript, thirteen digits: 401', async () => {
    const seconds = String(Math.floor(Date.now() / 1000));
    // Signed over the odd text itself, so only the reading of the timestamp can refuse it.
    for (const timestamp of [`+${seconds}`, `\u00b9${seconds.slice(1)}`, `${seconds}000`, `${seconds.slice(0, -1)}\u00b2`]) {
      for (const scheme of ['standardwebhooks', 'paddle'] as const) {
        t.logger.lines.length = 0;
        const status = await rawStatus(`/unsigned/${scheme}`, sign(scheme, timestamp));
        // Every rejection answers the same 401; the warn log names why.
        expect([scheme, timestamp, status, t.logger.lines.map((line) => line.message.split(': ').pop())]).toEqual([
          scheme,
          timestamp,
          401,
          ['malformed_header'],
        ]);
      }
    }
    expect(t.log.deliveries).toEqual([]);
    expect(await rawStatus('/unsigned/paddle', sign('paddle', seconds))).toBe(200);
    expect(await rawStatus('/unsigned/standardwebhooks', sign('standardwebhooks', seconds))).toBe(200);
    expect(t.log.deliveries).toHaveLength(2);
  });

  it('answers each altered signature 401, never 5xx, and delivers only the one sent as signed', async () => {
    const github = sign('github')['x-hub-signature-256']!;
    const standard = sign('standardwebhooks');
    const supabase = sign('supabase');
    const cases: [Scheme, Record<string, string>][] = [
      // U+00E1 and U+00FF are one byte each on the wire, where a hex or base64 digit stood.
      ['github', { 'x-hub-signature-256': github.replace(/.$/, '\u00e1') }],
      ['github', { 'x-hub-signature-256': `${github.slice(0, 7)}\u00ff${github.slice(8)}` }],
      ['standardwebhooks', { ...standard, 'webhook-signature': standard['webhook-signature']!.replace(/^v1,./, 'v1,\u00ff') }],
      // A v1 entry with a separator or padding appended, and a blank between its version and its signature.
      ['supabase', { ...supabase, 'webhook-signature': `${supabase['webhook-signature']!},` }],
      ['supabase', { ...supabase, 'webhook-signature': `${supabase['webhook-signature']!}=` }],
      ['supabase', { ...supabase, 'webhook-signature': supabase['webhook-signature']!.replace('v1,', 'v1,\t') }],
      ['standardwebhooks', { ...standard, 'webhook-signature': `${standard['webhook-signature']!},=` }],
      ['standardwebhooks', { ...standard, 'webhook-signature': standard['webhook-signature']!.replace('v1,', 'v1, ') }],
    ];
    for (const [scheme, headers] of cases) {
      const status = await rawStatus(`/unsigned/${scheme}`, headers);
      expect([scheme, headers, status]).toEqual([scheme, headers, 401]);
    }
    expect(t.log.deliveries).toEqual([]);
    // The same requests as signed, over the same raw writer, are delivered.
    expect(await rawStatus('/unsigned/github', { 'x-hub-signature-256': github })).toBe(200);
    expect(await rawStatus('/unsigned/standardwebhooks', standard)).toBe(200);
    expect(await rawStatus('/unsigned/supabase', supabase)).toBe(200);
    expect(t.log.deliveries.map((delivery) => delivery.rawBody)).toEqual([BODY, BODY, BODY]);
  });
});
