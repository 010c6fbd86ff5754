import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { signWebhook } from '../src/testing/index.js';
import { SECRETS } from './app/create-app.js';
import { BODY_LIMIT, FULLUP_EU_SECRET, HELD_REQUEST_ANSWERED, HOLD_UNTIL_CLOSED, STRIPE_SECRET, startHostileApp, type HostileApp } from './app/hostile-app.js';
import { rawExchange, send } from './support/raw-http.js';

/*
 * The hostile-input catalogue: each case goes through real HTTP to a Nest app
 * on 127.0.0.1, and each is listed with its status in docs/security.md's hostile-input
 * section. No case may get a 5xx except the documented misconfiguration.
 */
const BODY = '{"id":"evt_1","amount":100}';
const JSON_TYPE = { 'content-type': 'application/json' };
const OCTETS = { 'content-type': 'application/octet-stream' };

let t: HostileApp;
beforeAll(async () => {
  t = await startHostileApp();
});
afterAll(() => t.app.close());
beforeEach(() => {
  t.log.deliveries.length = 0;
  t.logger.lines.length = 0;
});

type Vendor = keyof typeof SECRETS;
const sign = (vendor: Vendor, body: string | Buffer, path = `/webhooks/${vendor}`, secret: string = SECRETS[vendor]) =>
  signWebhook(vendor, { secret, body, url: `http://127.0.0.1:${t.port}${path}` });
const post = (path: string, headers: Record<string, string | string[] | number>, body?: string | Buffer | (string | Buffer)[]) =>
  send(t.port, path, headers, body);
/** Resolves when the server has finished with the next request it receives, whatever became of it. */
const nextRequestDone = () => new Promise<void>((resolve) => t.server.once('request', (_req: IncomingMessage, res) => res.once('close', () => resolve())));
const errorLogs = () => t.logger.lines.filter((line) => line.level === 'error');

describe('duplicated signature headers (Node joins them with ", ")', () => {
  it('accepts a listing scheme (Noyo) when one of the duplicated signatures matches: 200', async () => {
    const headers = sign('noyo', BODY);
    const res = await post('/webhooks/noyo', { ...JSON_TYPE, ...headers, 'x-noyo-signature': ['0'.repeat(64), headers['x-noyo-signature']!] }, BODY);
    expect(res.status).toBe(200);
    expect(t.log.deliveries).toHaveLength(1);
  });

  it('rejects a single-signature scheme (Fullup), even with the valid signature twice: 401', async () => {
    const headers = sign('fullup', BODY);
    const res = await post('/webhooks/fullup', { ...JSON_TYPE, 'fullup-signature': [headers['fullup-signature']!, headers['fullup-signature']!] }, BODY);
    expect(res.status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });

  it('rejects a duplicated Stripe-Signature, whose joined value names t= twice: 401', async () => {
    const headers = signWebhook('stripe', { secret: STRIPE_SECRET, body: BODY });
    expect((await post('/other/stripe', { ...JSON_TYPE, ...headers }, BODY)).status).toBe(200);
    const duplicated = { 'stripe-signature': [headers['stripe-signature']!, headers['stripe-signature']!] };
    expect((await post('/other/stripe', { ...JSON_TYPE, ...duplicated }, BODY)).status).toBe(401);
    expect(t.log.deliveries).toHaveLength(1);
  });

  it('rejects a duplicated timestamp (Noyo): 401', async () => {
    const headers = sign('noyo', BODY);
    const res = await post(
      '/webhooks/noyo',
      { ...JSON_TYPE, ...headers, 'x-noyo-timestamp': [headers['x-noyo-timestamp']!, headers['x-noyo-timestamp']!] },
      BODY,
    );
    expect(res.status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });
});

it('answers 431 to a header over Node’s size limit (16 KiB), before the app sees it', async () => {
  const head = `POST /webhooks/fullup HTTP/1.1\r\nHost: 127.0.0.1\r\nfullup-signature: ${'a'.repeat(20 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`;
  expect(await rawExchange(t.port, head)).toMatch(/^HTTP\/1\.1 431 /);
  expect(t.log.deliveries).toEqual([]);
});

describe('a body at the size limit', () => {
  const jsonOfSize = (size: number) => {
    const body = `{"pad":"${'x'.repeat(size - 10)}"}`;
    expect(Buffer.byteLength(body)).toBe(size);
    return body;
  };

  it('reaches the handler at exactly the limit, read by the JSON parser or by the guard: 200', async () => {
    const body = jsonOfSize(BODY_LIMIT);
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', body) }, body)).status).toBe(200);
    expect((await post('/webhooks/fullup', { ...OCTETS, ...sign('fullup', body) }, body)).status).toBe(200);
    expect(t.log.deliveries.map((d) => d.rawBody?.length)).toEqual([BODY_LIMIT, BODY_LIMIT]);
  });

  it('gets 413 one byte over the JSON parser’s limit, and the handler never runs', async () => {
    const body = jsonOfSize(BODY_LIMIT + 1);
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', body) }, body)).status).toBe(413);
    expect(t.log.deliveries).toEqual([]);
  });

  it('gets 413 one byte over the guard’s maxBodyBytes, declared or chunked, and the handler never runs', async () => {
    const body = jsonOfSize(BODY_LIMIT + 1);
    expect((await post('/webhooks/fullup', { ...OCTETS, ...sign('fullup', body) }, body)).status).toBe(413);
    const chunks = [body.slice(0, 1000), body.slice(1000)];
    expect((await post('/webhooks/fullup', { ...OCTETS, ...sign('fullup', body) }, chunks)).status).toBe(413);
    expect(t.log.deliveries).toEqual([]);
  });
});

it('verifies a chunked body as the bytes of all its chunks, parsed or read by the guard: 200', async () => {
  const chunks = ['{"id":"evt_1",', '"amount":', '100}'];
  for (const type of [JSON_TYPE, OCTETS]) {
    const res = await post('/webhooks/trophy', { ...type, ...sign('trophy', BODY) }, chunks);
    expect(res.status).toBe(200);
  }
  expect(t.log.deliveries.map((d) => d.rawBody)).toEqual([BODY, BODY]);
});

it('answers 400 to both Content-Length and Transfer-Encoding (request smuggling), before the app sees it', async () => {
  const head = `POST /webhooks/fullup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`;
  expect(await rawExchange(t.port, head)).toMatch(/^HTTP\/1\.1 400 /);
  expect(t.log.deliveries).toEqual([]);
});

describe('Content-Encoding: gzip', () => {
  const gzipped = gzipSync(BODY);
  const gzip = { 'content-encoding': 'gzip' };

  it('rejects JSON signed over the bytes sent, because the JSON parser keeps only the inflated bytes: 401', async () => {
    const res = await post('/webhooks/fullup', { ...JSON_TYPE, ...gzip, ...sign('fullup', gzipped) }, gzipped);
    expect(res.status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });

  it('accepts JSON signed over the inflated bytes (a sender that signs before compressing): 200', async () => {
    const res = await post('/webhooks/fullup', { ...JSON_TYPE, ...gzip, ...sign('fullup', BODY) }, gzipped);
    expect(res.status).toBe(200);
    expect(t.log.deliveries).toEqual([{ provider: 'fullup', body: JSON.parse(BODY), rawBody: BODY }]);
  });

  it('verifies other content types over the bytes as sent, still compressed, and hands those to the handler: 200', async () => {
    expect((await post('/webhooks/fullup', { ...OCTETS, ...gzip, ...sign('fullup', BODY) }, gzipped)).status).toBe(401);
    expect((await post('/webhooks/fullup', { ...OCTETS, ...gzip, ...sign('fullup', gzipped) }, gzipped)).status).toBe(200);
    expect(t.log.deliveries.map((d) => d.rawBody)).toEqual([gzipped.toString('utf8')]);
  });

  it('gets 415 from parsers registered with inflate: false, before the guard runs', async () => {
    const strict = await startHostileApp({ inflate: false });
    try {
      const res = await send(strict.port, '/webhooks/fullup', { ...JSON_TYPE, ...gzip, ...sign('fullup', BODY) }, gzipped);
      expect(res.status).toBe(415);
      expect(strict.log.deliveries).toEqual([]);
    } finally {
      await strict.app.close();
    }
  });
});

describe('a wrong Content-Type', () => {
  it('does not matter to the signature, which covers the bytes whatever their declared type: 200', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'image/png']) {
      expect((await post('/webhooks/fullup', { 'content-type': type, ...sign('fullup', BODY) }, BODY)).status).toBe(200);
    }
    expect(t.log.deliveries.map((d) => d.rawBody)).toEqual([BODY, BODY, BODY]);
  });

  it('gets 415 for a charset the JSON parser does not know, before the guard runs', async () => {
    const res = await post('/webhooks/fullup', { 'content-type': 'application/json; charset=x-unknown', ...sign('fullup', BODY) }, BODY);
    expect(res.status).toBe(415);
    expect(t.log.deliveries).toEqual([]);
  });

  it('gets 400 for a body that is not JSON under application/json, before the guard runs', async () => {
    const body = '{"id": evt_1';
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', body) }, body)).status).toBe(400);
    expect(t.log.deliveries).toEqual([]);
  });
});

describe('an empty body', () => {
  it('verifies as the empty byte string, with or without a content type: 200 signed, 401 unsigned', async () => {
    expect((await post('/webhooks/trophy', { ...JSON_TYPE, 'content-length': 0, ...sign('trophy', '') })).status).toBe(200);
    expect((await post('/webhooks/trophy', { 'content-length': 0, ...sign('trophy', '') })).status).toBe(200);
    expect((await post('/webhooks/trophy', { 'content-length': 0, ...sign('trophy', '{}') })).status).toBe(401);
    expect(t.log.deliveries.map((d) => d.rawBody)).toEqual(['', '']);
  });
});

describe('a JSON body with a byte order mark', () => {
  const withBom = `\uFEFF${BODY}`;

  it('verifies the BOM as part of the bytes; the parser skips it: 200', async () => {
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', withBom) }, withBom)).status).toBe(200);
    expect(t.log.deliveries).toEqual([{ provider: 'fullup', body: JSON.parse(BODY), rawBody: withBom }]);
  });

  it('rejects a BOM added to a body signed without one: 401', async () => {
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', BODY) }, withBom)).status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });
});

describe('duplicate JSON keys', () => {
  const duplicated = '{"id":"evt_1","amount":1,"amount":1000}';

  it('verifies the bytes as signed; the handler gets JSON.parse’s reading (the last key wins): 200', async () => {
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', duplicated) }, duplicated)).status).toBe(200);
    expect(t.log.deliveries).toEqual([{ provider: 'fullup', body: { id: 'evt_1', amount: 1000 }, rawBody: duplicated }]);
  });

  it('rejects a duplicate key added to a signed body: 401', async () => {
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', BODY) }, duplicated)).status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });
});

describe('a request aborted mid-body', () => {
  it.each([
    ['the JSON parser', 'application/json'],
    ['the guard', 'application/octet-stream'],
  ])('never reaches the handler when %s is reading, and the server serves the next request', async (_reader, type) => {
    const headers = sign('fullup', BODY);
    const done = nextRequestDone();
    const head = `POST /webhooks/fullup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nfullup-signature: ${headers['fullup-signature']}\r\nContent-Length: 1000\r\n\r\n${BODY.slice(0, 10)}`;
    await rawExchange(t.port, head, { abort: true });
    await done;
    expect(t.log.deliveries).toEqual([]);
    expect(errorLogs()).toEqual([]);
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...headers }, BODY)).status).toBe(200);
  });

  it('gets 400, not the raw-body misconfiguration 500, when the client left before the guard ran', async () => {
    const headers = sign('fullup', BODY);
    const answered = once(t.server, HELD_REQUEST_ANSWERED);
    const head = `POST /webhooks/fullup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n${HOLD_UNTIL_CLOSED}: 1\r\nfullup-signature: ${headers['fullup-signature']}\r\nContent-Length: 1000\r\n\r\n${BODY.slice(0, 10)}`;
    await rawExchange(t.port, head, { abort: true });
    expect(await answered).toEqual([400]);
    expect(t.log.deliveries).toEqual([]);
    expect(errorLogs()).toEqual([]);
  });
});

describe('a slowloris trickle', () => {
  it('is cut with 408 by headersTimeout when the headers never end', async () => {
    const response = await rawExchange(t.port, 'POST /webhooks/fullup HTTP/1.1\r\nHost: 127.0.0.1\r\nx-pad: ', { drip: 'a' });
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(t.log.deliveries).toEqual([]);
  });

  it('is cut with 408 by requestTimeout when the body never ends, and the handler never runs', async () => {
    const headers = sign('fullup', BODY);
    const done = nextRequestDone();
    const head = `POST /webhooks/fullup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nfullup-signature: ${headers['fullup-signature']}\r\nContent-Length: 1000\r\n\r\n`;
    expect(await rawExchange(t.port, head, { drip: 'x' })).toMatch(/^HTTP\/1\.1 408 /);
    await done;
    expect(t.log.deliveries).toEqual([]);
  });
});

describe('a signature replayed to another route or provider', () => {
  it('is rejected by a provider with its own secret, on the same scheme: 401', async () => {
    expect((await post('/other/fullup-eu', { ...JSON_TYPE, ...sign('fullup', BODY) }, BODY)).status).toBe(401);
    expect((await post('/other/fullup-eu', { ...JSON_TYPE, ...sign('fullup', BODY, '/', FULLUP_EU_SECRET) }, BODY)).status).toBe(200);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['fullupEu']);
  });

  it('is rejected by another vendor’s route: 401', async () => {
    const headers = { ...sign('fullup', BODY), ...sign('noyo', BODY) };
    expect((await post('/webhooks/trophy', { ...JSON_TYPE, ...headers }, BODY)).status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });

  it('is rejected on another route by a scheme that signs the URL (SignalWire): 401', async () => {
    const headers = sign('signalwire', BODY);
    expect((await post('/other/signalwire-again', { ...JSON_TYPE, ...headers }, BODY)).status).toBe(401);
    expect((await post('/webhooks/signalwire', { ...JSON_TYPE, ...headers }, BODY)).status).toBe(200);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['signalwire']);
  });

  it('is accepted on another route of the same provider by a scheme that signs only the body (documented): 200', async () => {
    expect((await post('/other/fullup-again', { ...JSON_TYPE, ...sign('fullup', BODY) }, BODY)).status).toBe(200);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['fullup-again']);
  });

  it('is rejected with the body of another delivery: 401', async () => {
    const other = '{"id":"evt_2","amount":100}';
    expect((await post('/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', other) }, BODY)).status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });
});

describe('the raw body missing (app created without rawBody: true)', () => {
  it('gets the documented 500 with an error log naming the fix, and the handler never runs', async () => {
    const bare = await startHostileApp({ rawBody: false });
    try {
      const res = await send(bare.port, '/webhooks/fullup', { ...JSON_TYPE, ...sign('fullup', BODY) }, BODY);
      expect(res.status).toBe(500);
      expect(bare.log.deliveries).toEqual([]);
      expect(bare.logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([expect.stringContaining('{ rawBody: true }')]);
    } finally {
      await bare.app.close();
    }
  });
});
