import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { Test } from '@nestjs/testing';
import { WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { CapturingLogger, SECRETS } from './app/create-app.js';
import { DeliveryLog, WebhooksController } from './app/webhooks.controller.js';

/*
 * The guard reading a body itself (a content type no parser takes), seen from
 * the socket: what the app answers, and when.
 */
const LIMIT = 1024;
const BODY = '{"id":"evt_1","amount":100}';
/** Server event with the status the app answered a request with, even when no client is left to read it. */
const ANSWERED = 'test:answered';
/** A request with this header reaches the routes only after its `close` event, as behind slow middleware. */
const HOLD_UNTIL_CLOSED = 'x-test-hold-until-closed';
/** A request with this header reaches the routes after a middleware read its first chunk, as a parser that kept no copy. */
const READ_FIRST_CHUNK = 'x-test-read-first-chunk';

let server: Server;
let port: number;
let log: DeliveryLog;
/** `request.rawBody` when the app last answered. */
let rawBodyAnswered: unknown;
let close: () => Promise<void>;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      WebhookSecurityModule.forRoot({
        maxBodyBytes: LIMIT,
        providers: Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }])),
      }),
    ],
    controllers: [WebhooksController],
    providers: [DeliveryLog],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: new CapturingLogger() });
  app.use((request: IncomingMessage & { rawBody?: unknown }, response: ServerResponse, next: () => void) => {
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      rawBodyAnswered = request.rawBody;
      server.emit(ANSWERED, response.statusCode);
      return end(...args);
    }) as ServerResponse['end'];
    next();
  });
  app.use((request: IncomingMessage, _response: ServerResponse, next: () => void) => {
    if (request.headers[HOLD_UNTIL_CLOSED] === undefined) return next();
    request.once('close', () => setImmediate(next));
  });
  app.use((request: IncomingMessage, _response: ServerResponse, next: () => void) => {
    if (request.headers[READ_FIRST_CHUNK] === undefined) return next();
    request.once('data', () => {
      request.pause();
      next();
    });
  });
  server = app.getHttpServer() as Server;
  await app.listen(0, '127.0.0.1');
  port = (server.address() as { port: number }).port;
  log = app.get(DeliveryLog);
  close = () => app.close();
});
afterAll(() => close());
beforeEach(() => {
  log.deliveries.length = 0;
});

/** The head of a signed octet-stream POST to the Fullup route that declares `contentLength`. */
const head = (contentLength: number, extra = '') =>
  `POST /webhooks/fullup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n${extra}` +
  `fullup-signature: ${signWebhook('fullup', { secret: SECRETS.fullup, body: BODY })['fullup-signature']}\r\n` +
  `Content-Length: ${contentLength}\r\n\r\n`;

/**
 * Writes `data` on a new connection, keeps it open, and resolves with the
 * status line of the first response, or with `''` if none came in 3 s.
 */
function firstStatusLine(data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setTimeout(3_000, () => socket.destroy());
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end === -1) return;
      resolve(received.slice(0, end));
      socket.destroy();
    });
    socket.on('close', () => resolve(received));
    socket.write(data);
  });
}

it('answers 413 to a declared Content-Length over maxBodyBytes before the body is sent', async () => {
  expect(await firstStatusLine(`${head(LIMIT + 1)}{"id":`)).toMatch(/^HTTP\/1\.1 413 /);
  expect(log.deliveries).toEqual([]);
});

it('reads a body that fits, to the handler: 200', async () => {
  expect(await firstStatusLine(head(Buffer.byteLength(BODY)) + BODY)).toMatch(/^HTTP\/1\.1 200 /);
  expect(log.deliveries.map((delivery) => delivery.rawBody)).toEqual([BODY]);
});

/** A signed octet-stream POST of `body` to the Fullup route, sent as one chunk without a Content-Length. */
const chunked = (body: string, signedBody = body) =>
  `POST /webhooks/fullup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n` +
  `fullup-signature: ${signWebhook('fullup', { secret: SECRETS.fullup, body: signedBody })['fullup-signature']}\r\n\r\n` +
  `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;

it('answers 413 to a signed body without Content-Length once it passes maxBodyBytes, and leaves request.rawBody unset', async () => {
  const body = `{"pad":"${'a'.repeat(LIMIT + 1 - 10)}"}`;
  expect(Buffer.byteLength(body)).toBe(LIMIT + 1);
  expect(await firstStatusLine(chunked(body))).toMatch(/^HTTP\/1\.1 413 /);
  expect(log.deliveries).toEqual([]);
  // What an exception filter of the app would find there.
  expect(rawBodyAnswered).toBeUndefined();
});

it('reads a body without Content-Length of exactly maxBodyBytes, to the handler: 200', async () => {
  const body = `{"pad":"${'a'.repeat(LIMIT - 10)}"}`;
  expect(Buffer.byteLength(body)).toBe(LIMIT);
  expect(await firstStatusLine(chunked(body))).toMatch(/^HTTP\/1\.1 200 /);
  expect(log.deliveries.map((delivery) => delivery.rawBody)).toEqual([body]);
});

it('settles the read of a client that aborts mid-body: the request is answered 400 and the handler never runs', async () => {
  const answered = once(server, ANSWERED);
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`${head(LIMIT)}${BODY.slice(0, 10)}`);
  // Destroyed only once the app is reading the body, so the guard's read, not Node, sees the abort.
  server.once('request', (request: IncomingMessage) => request.once('resume', () => socket.destroy()));
  expect(await answered).toEqual([400]);
  expect(log.deliveries).toEqual([]);
});

it('answers 400 to a request whose client left before the guard ran, its close event already past', async () => {
  const answered = once(server, ANSWERED);
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`${head(LIMIT, `${HOLD_UNTIL_CLOSED}: 1\r\n`)}${BODY.slice(0, 10)}`, () => socket.destroy());
  expect(await answered).toEqual([400]);
  expect(log.deliveries).toEqual([]);
});

it('settles the read of a request destroyed mid-body without an error: answered 400, the handler never runs', async () => {
  const answered = once(server, ANSWERED);
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  // Destroyed by code of the app once the guard is reading the body: a `close` with no `error`.
  server.once('request', (request: IncomingMessage) => request.once('resume', () => request.destroy()));
  socket.write(`${head(LIMIT)}${BODY.slice(0, 10)}`);
  expect(await answered).toEqual([400]);
  expect(log.deliveries).toEqual([]);
});

it('answers 415 naming the fix when a middleware read part of an octet-stream body and kept no copy, and never runs the handler', async () => {
  const headers = {
    'content-type': 'application/octet-stream',
    [READ_FIRST_CHUNK]: '1',
    ...signWebhook('fullup', { secret: SECRETS.fullup, body: BODY }),
  };
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/fullup`, { method: 'POST', headers, body: BODY });
  // Anyone may send that content type: a client error, whose message and error log name the fix.
  expect(response.status).toBe(415);
  expect(await response.text()).toContain('the raw request body is unavailable because a body parser the app registered consumed it');
  expect(log.deliveries).toEqual([]);
});
