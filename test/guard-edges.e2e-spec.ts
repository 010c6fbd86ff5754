import { createHmac, generateKeyPairSync } from 'node:crypto';
import { All, Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import request from 'supertest';
import {
  VerifiedWebhook,
  WEBHOOK_PROVIDER_METADATA,
  WebhookSecurityModule,
  WebhookSignatureGuard,
  type VerificationResult,
  type WebhookRequest,
  type WebhookSecurityModuleOptions,
} from '../src/index.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { DeliveryLog } from './app/webhooks.controller.js';
import { rawExchange, send } from './support/raw-http.js';

/*
 * Edges of the guard and of declarative schemes, each checked over HTTP with
 * signatures computed here with node:crypto alone, never with the library's signer.
 */
const BODY = '{"id":"evt_1","amount":42}';
const SECRET = 'edge-secret';
/** A declarative HMAC-SHA256 hex scheme over the body alone. */
const BODY_ONLY = { header: 'x-edge-signature', algorithm: 'sha256', encoding: 'hex' } as const;

const hmacHex = (secret: string, content: string) => createHmac('sha256', secret).update(content).digest('hex');

@Controller('edge')
class EdgeController {
  constructor(private readonly log: DeliveryLog) {}

  @Post('empty')
  @HttpCode(200)
  @VerifiedWebhook('emptySecret')
  empty(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'emptySecret', body, rawBody: undefined });
  }

  @Post('mixed')
  @HttpCode(200)
  @VerifiedWebhook('mixedSecrets')
  mixed(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'mixedSecrets', body, rawBody: undefined });
  }

  @Post('trailing')
  @HttpCode(200)
  @VerifiedWebhook('trailingTimestamp')
  trailing(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'trailingTimestamp', body, rawBody: undefined });
  }
}

const providers: WebhookSecurityModuleOptions['providers'] = {
  emptySecret: { scheme: BODY_ONLY, secret: () => '' },
  // What a lookup returns when a tenant's current secret is set and its other columns are not.
  mixedSecrets: { scheme: BODY_ONLY, secret: () => ['', null, undefined, SECRET] as string[] },
  trailingTimestamp: {
    secret: SECRET,
    scheme: { ...BODY_ONLY, signedContent: '{body}.{timestamp}', timestamp: { header: 'x-edge-time', format: 'unix' } },
  },
};

/** Clears what the app recorded and logged, before each test. */
function forgetDeliveries(t: TestApp): void {
  t.log.deliveries.length = 0;
  t.logger.lines.length = 0;
}

/** Posts `body` as JSON with `headers` to the app's `path`. */
function postJson(t: TestApp, path: string, headers: Record<string, string>, body: string) {
  return request(t.app.getHttpServer()).post(path).set('content-type', 'application/json').set(headers).send(body);
}

describe('the guard, over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers }), { controllers: [EdgeController] });
  });
  afterAll(() => t.app.close());
  beforeEach(() => forgetDeliveries(t));

  const post = (path: string, headers: Record<string, string>, body = BODY) => postJson(t, path, headers, body);
  const warnings = () => t.logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);

  describe('secrets from a secret function', () => {
    it('never verifies with an empty secret: a request signed with the empty key gets 401', async () => {
      await post('/edge/empty', { 'x-edge-signature': hmacHex('', BODY) }).expect(401);
      await post('/edge/mixed', { 'x-edge-signature': hmacHex('', BODY) }).expect(401);
      expect(t.log.deliveries).toEqual([]);
    });

    it('skips empty and unset entries and verifies with the others: 200', async () => {
      await post('/edge/mixed', { 'x-edge-signature': hmacHex(SECRET, BODY) }).expect(200);
      expect(t.log.deliveries.map((d) => d.provider)).toEqual(['mixedSecrets']);
    });
  });

  describe("a template with text after '{body}'", () => {
    const now = () => String(Math.floor(Date.now() / 1000));

    it('signs the text after the body: 200 for the HMAC of `<body>.<timestamp>`', async () => {
      const time = now();
      await post('/edge/trailing', { 'x-edge-time': time, 'x-edge-signature': hmacHex(SECRET, `${BODY}.${time}`) }).expect(200);
      expect(t.log.deliveries).toHaveLength(1);
    });

    it('rejects an HMAC of the body alone, and a signature moved to another timestamp: 401', async () => {
      const time = now();
      await post('/edge/trailing', { 'x-edge-time': time, 'x-edge-signature': hmacHex(SECRET, BODY) }).expect(401);
      const other = String(Number(time) - 1);
      await post('/edge/trailing', { 'x-edge-time': other, 'x-edge-signature': hmacHex(SECRET, `${BODY}.${time}`) }).expect(401);
      expect(t.log.deliveries).toEqual([]);
    });
  });

  describe('the warn log of a rejection', () => {
    it('names the method and path without the query string, which may carry a token', async () => {
      await post('/edge/mixed?token=abc&tenant=1', { 'x-edge-signature': hmacHex('wrong', BODY) }).expect(401);
      await post('/edge/mixed', { 'x-edge-signature': hmacHex('wrong', BODY) }).expect(401);
      expect(warnings()).toEqual([
        "Rejected webhook from 'mixedSecrets' on POST /edge/mixed: no_matching_signature",
        "Rejected webhook from 'mixedSecrets' on POST /edge/mixed: no_matching_signature",
      ]);
    });
  });
});

/** The check of a user-defined verifier: x-edge-signature is the HMAC of the body. */
const bodyHmac = (webhook: WebhookRequest, secrets: readonly string[]): VerificationResult =>
  secrets.some((secret) => webhook.headers['x-edge-signature'] === hmacHex(secret, webhook.rawBody.toString('utf8')))
    ? { verified: true }
    : { verified: false, reason: 'no_matching_signature' };
const PONG = { status: 200, contentType: 'application/json', body: '{"type":"pong"}' };
/** A sender's public URL, as a provider's publicBaseUrl. */
const PUBLIC_BASE = 'https://hooks.example.com';

/** Each route records its name when its handler runs. */
@Controller('paths')
class PathsController {
  constructor(private readonly log: DeliveryLog) {}

  private record(provider: string, body: unknown) {
    this.log.deliveries.push({ provider, body, rawBody: undefined });
    return { received: true };
  }

  @Post('plain')
  @HttpCode(200)
  @VerifiedWebhook('plain')
  plain(@Body() body: unknown) {
    return this.record('plain', body);
  }

  @Post('url')
  @HttpCode(200)
  @VerifiedWebhook('urlSigned')
  url(@Body() body: unknown) {
    return this.record('urlSigned', body);
  }

  @Post('public')
  @HttpCode(200)
  @VerifiedWebhook('publicUrl')
  public(@Body() body: unknown) {
    return this.record('publicUrl', body);
  }

  @Post('no-url')
  @HttpCode(200)
  @VerifiedWebhook('noUrl')
  noUrl(@Body() body: unknown) {
    return this.record('noUrl', body);
  }

  @Post('async')
  @HttpCode(200)
  @VerifiedWebhook('asyncVerifier')
  async(@Body() body: unknown) {
    return this.record('asyncVerifier', body);
  }

  @Post('keys')
  @HttpCode(200)
  @VerifiedWebhook('keysDown')
  keys(@Body() body: unknown) {
    return this.record('keysDown', body);
  }

  @Post('lookup')
  @HttpCode(200)
  @VerifiedWebhook('lookupDown')
  lookup(@Body() body: unknown) {
    return this.record('lookupDown', body);
  }

  @Post('handshake')
  @HttpCode(200)
  @VerifiedWebhook('handshake')
  handshake(@Body() body: unknown) {
    return this.record('handshake', body);
  }

  @All('challenge')
  @HttpCode(200)
  @VerifiedWebhook('challenge')
  challenge(@Body() body: unknown) {
    return this.record('challenge', body);
  }

  @All('no-challenge')
  @HttpCode(200)
  @VerifiedWebhook('plain')
  noChallenge(@Body() body: unknown) {
    return this.record('plain', body);
  }

  @Post('unchecked')
  @HttpCode(200)
  @UseGuards(WebhookSignatureGuard)
  unchecked(@Body() body: unknown) {
    return this.record('unchecked', body);
  }
}

/** Replay protection, with @VerifiedWebhook on the controller and on the method: the guard runs twice. */
@Controller('replayed')
@VerifiedWebhook('replayed')
class ReplayedController {
  constructor(private readonly log: DeliveryLog) {}

  @Post()
  @HttpCode(200)
  @VerifiedWebhook('replayed')
  handle(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'replayed', body, rawBody: undefined });
    return { received: true };
  }
}

const pathProviders: WebhookSecurityModuleOptions['providers'] = {
  plain: { scheme: BODY_ONLY, secret: SECRET },
  urlSigned: { scheme: { ...BODY_ONLY, signedContent: '{url}.{body}' }, secret: SECRET },
  publicUrl: { scheme: { ...BODY_ONLY, signedContent: '{url}.{body}' }, secret: SECRET, publicBaseUrl: PUBLIC_BASE },
  // The documented contract: a verifier that does not sign the URL gets '' for it, and no Host check.
  noUrl: {
    secret: SECRET,
    verifier: {
      signsUrl: false,
      verify: (webhook, secrets) => (webhook.url === '' ? bodyHmac(webhook, secrets) : { verified: false, reason: 'malformed_header' }),
    },
  },
  asyncVerifier: { secret: SECRET, verifier: { verify: async (webhook, secrets) => bodyHmac(webhook, secrets) } },
  keysDown: { secret: SECRET, verifier: { verify: () => ({ verified: false, reason: 'key_unavailable' }) } },
  lookupDown: {
    scheme: BODY_ONLY,
    secret: () => {
      throw new TypeError('tenant table unreachable');
    },
  },
  handshake: {
    secret: SECRET,
    verifier: {
      verify: bodyHmac,
      handshake: (webhook) => ((JSON.parse(webhook.rawBody.toString('utf8')) as { type?: string }).type === 'ping' ? PONG : undefined),
    },
  },
  challenge: {
    secret: SECRET,
    verifier: {
      verify: bodyHmac,
      // A GET with ?token=<secret> is the sender's challenge, echoed; a GET with other parameters is a failed one.
      challenge: ({ query }, secrets) => {
        const token = query.get('token');
        if (token === null) return [...query.keys()].length === 0 ? undefined : false;
        return secrets.includes(token) ? { status: 200, contentType: 'text/plain', body: query.get('echo') ?? '' } : false;
      },
    },
  },
  replayed: {
    secret: SECRET,
    replay: {},
    verifier: { verify: bodyHmac, deliveryId: (webhook) => (JSON.parse(webhook.rawBody.toString('utf8')) as { id?: string }).id },
  },
};

describe('the paths of the guard, over HTTP', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: pathProviders }), {
      controllers: [PathsController, ReplayedController],
      beforeInit: (app) => (app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', true),
    });
    // The guard logs a handshake it answers at debug level.
    t.logger.debug = (message: unknown) => void t.logger.lines.push({ level: 'debug', message: String(message) });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => t.app.close());
  beforeEach(() => forgetDeliveries(t));

  const post = (path: string, headers: Record<string, string>, body = BODY) => postJson(t, path, headers, body);
  const signed = (body = BODY) => ({ 'x-edge-signature': hmacHex(SECRET, body) });
  const lines = (level: string) => t.logger.lines.filter((line) => line.level === level).map((line) => line.message);
  const ran = () => t.log.deliveries.map((d) => d.provider);

  describe('the charset of a form, JSON or text body', () => {
    const FORM = 'a=caf%C3%A9';
    const sendForm = (contentType: string | undefined, body = FORM) =>
      send(port, '/paths/plain', { ...(contentType === undefined ? {} : { 'content-type': contentType }), ...signed(body) }, body);

    it('answers 415 to a signed form sent with charset=iso-8859-1, with a warning, and never runs the handler', async () => {
      const res = await sendForm('application/x-www-form-urlencoded; charset=iso-8859-1');
      expect(res.status).toBe(415);
      expect(JSON.parse(res.body)).toMatchObject({ message: 'Only UTF-8 form, JSON and text bodies are accepted' });
      expect(lines('warn')).toEqual(["Rejected webhook from 'plain' on POST /paths/plain: charset other than UTF-8"]);
      expect(ran()).toEqual([]);
    });

    it('accepts UTF-8 named in any case, quoted or not: 200', async () => {
      expect((await sendForm('application/x-www-form-urlencoded; charset="UTF-8"')).status).toBe(200);
      expect((await sendForm('application/x-www-form-urlencoded;charset=utf-8')).status).toBe(200);
      expect(ran()).toEqual(['plain', 'plain']);
    });

    it('leaves other content types, and none, to the app: 200', async () => {
      expect((await sendForm('application/octet-stream; charset=iso-8859-1', 'café')).status).toBe(200);
      expect((await sendForm(undefined, 'café')).status).toBe(200);
      expect(ran()).toEqual(['plain', 'plain']);
    });
  });

  describe('a scheme that signs the URL', () => {
    const base = () => `http://127.0.0.1:${port}`;
    const urlSigned = (url: string) => ({ 'x-edge-signature': hmacHex(SECRET, `${url}.${BODY}`) });
    const head = (target: string, headers: string[]) =>
      [
        `POST ${target} HTTP/1.0`,
        'content-type: application/json',
        `content-length: ${BODY.length}`,
        'connection: close',
        `x-edge-signature: ${hmacHex(SECRET, BODY)}`,
        ...headers,
        '',
        BODY,
      ].join('\r\n');

    it('verifies the URL the request was sent to: 200', async () => {
      await post('/paths/url?x=1', urlSigned(`${base()}/paths/url?x=1`)).expect(200);
      expect(ran()).toEqual(['urlSigned']);
    });

    it("verifies the https URL that X-Forwarded-Proto names, in an app that sets 'trust proxy': 200", async () => {
      await post('/paths/url', { ...urlSigned(`https://127.0.0.1:${port}/paths/url`), 'x-forwarded-proto': 'https' }).expect(200);
      expect(ran()).toEqual(['urlSigned']);
    });

    it('verifies the URL under the provider’s publicBaseUrl, not the one the app sees', async () => {
      await post('/paths/public?x=1', urlSigned(`${PUBLIC_BASE}/paths/public?x=1`)).expect(200);
      await post('/paths/public?x=1', urlSigned(`${base()}/paths/public?x=1`)).expect(401);
      expect(ran()).toEqual(['publicUrl']);
    });

    it.each<[string, () => Promise<{ status: number; body: string }>, string]>([
      [
        'a Host that is not hostname[:port]',
        async () => toRaw(await post('/paths/url', urlSigned(`${base()}/paths/url`)).set('host', 'evil.example/x')),
        'Host header',
      ],
      ['no Host header (HTTP/1.0)', async () => fromRaw(await rawExchange(port, head('/paths/url', []))), 'Host header'],
      [
        'a protocol other than http(s)',
        async () => toRaw(await post('/paths/url', { ...urlSigned(`ftp://127.0.0.1:${port}/paths/url`), 'x-forwarded-proto': 'ftp' })),
        'protocol',
      ],
      [
        'an absolute-form request target',
        async () => fromRaw(await rawExchange(port, head(`${base()}/paths/url`, [`host: 127.0.0.1:${port}`]))),
        'request target',
      ],
    ])('answers 400 to %s, naming the part, with a warning', async (_name, exchange, part) => {
      const res = await exchange();
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ message: `Invalid ${part}` });
      // The route as received: an absolute-form target is logged whole.
      expect(lines('warn')).toEqual([
        expect.stringMatching(new RegExp(`^Rejected webhook from 'urlSigned' on POST (http://[^/]+)?/paths/url: invalid ${part}$`)),
      ]);
      expect(ran()).toEqual([]);
    });

    it('gives a verifier that does not sign the URL an empty url, and never reads the Host: 200 whatever it holds', async () => {
      await post('/paths/no-url', signed()).set('host', 'evil.example/x').expect(200);
      expect(ran()).toEqual(['noUrl']);
    });
  });

  describe('user-defined verifiers', () => {
    it('waits for a verifier that answers asynchronously: 200 signed, 401 forged', async () => {
      await post('/paths/async', signed()).expect(200);
      await post('/paths/async', { 'x-edge-signature': hmacHex('forged', BODY) }).expect(401);
      expect(ran()).toEqual(['asyncVerifier']);
    });

    it('answers 503 when a secret function throws, with an error log, so that the sender retries', async () => {
      const res = await post('/paths/lookup', signed()).expect(503);
      expect(res.body).toMatchObject({ message: 'Webhook secret lookup failed' });
      expect(lines('error')).toEqual(["Secret lookup for 'lookupDown' on POST /paths/lookup failed: TypeError"]);
      expect(ran()).toEqual([]);
    });

    it('answers 503 when the signing keys cannot be fetched, with an error log, so that the sender retries', async () => {
      await post('/paths/keys', signed()).expect(503);
      expect(lines('error')).toEqual(["Signing keys of 'keysDown' could not be fetched for POST /paths/keys; answering 503 so that the sender retries"]);
      expect(lines('warn')).toEqual([]);
      expect(ran()).toEqual([]);
    });

    it('answers a signed handshake without running the handler, and passes a signed delivery to it', async () => {
      const ping = '{"type":"ping"}';
      const res = await post('/paths/handshake', signed(ping), ping).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.text).toBe('{"type":"pong"}');
      expect(lines('debug')).toEqual(["Answered the handshake of 'handshake' on POST /paths/handshake"]);
      await post('/paths/handshake', signed()).expect(200);
      await post('/paths/handshake', { 'x-edge-signature': hmacHex('forged', ping) }, ping).expect(401);
      expect(ran()).toEqual(['handshake']);
    });
  });

  describe("a sender's unsigned GET challenge", () => {
    const get = (path: string) => request(t.app.getHttpServer()).get(path);

    it('is answered from the guard when the verifier accepts it, without running the handler', async () => {
      const res = await get(`/paths/challenge?token=${SECRET}&echo=abc`).expect(200);
      expect(res.text).toBe('abc');
      expect(lines('debug')).toEqual(["Answered the handshake of 'challenge' on GET /paths/challenge"]);
      expect(ran()).toEqual([]);
    });

    it('gets 401 when the verifier refuses it, with the reason in the warning, even with a body signature', async () => {
      await get('/paths/challenge?token=wrong&echo=abc').set(signed('')).expect(401);
      await get('/paths/challenge?echo=abc').set(signed('')).expect(401);
      expect(lines('warn')).toEqual([
        "Rejected webhook from 'challenge' on GET /paths/challenge: no_matching_signature",
        "Rejected webhook from 'challenge' on GET /paths/challenge: no_matching_signature",
      ]);
      expect(ran()).toEqual([]);
    });

    it('is verified as a delivery when it is no challenge: a GET without parameters, or a POST', async () => {
      await get('/paths/challenge').set(signed('')).expect(200);
      await get('/paths/challenge').expect(401);
      await post(`/paths/challenge?token=${SECRET}&echo=abc`, signed()).expect(200);
      expect(ran()).toEqual(['challenge', 'challenge']);
    });

    it('is verified as a delivery on a route whose verifier takes no challenge', async () => {
      await get(`/paths/no-challenge?token=${SECRET}`).set(signed('')).expect(200);
      await get(`/paths/no-challenge?token=${SECRET}`).expect(401);
      expect(ran()).toEqual(['plain']);
    });
  });

  describe('replay protection', () => {
    it('runs the handler once for a delivery sent twice, with @VerifiedWebhook on the controller and on the method', async () => {
      await post('/replayed', signed()).expect(200, { received: true });
      const again = await post('/replayed', signed()).expect(200);
      expect(again.text).toBe('');
      expect(ran()).toEqual(['replayed']);
    });

    it('verifies a delivery under replay protection: 401 forged', async () => {
      await post('/replayed', { 'x-edge-signature': hmacHex('forged', '{"id":"evt_2"}') }, '{"id":"evt_2"}').expect(401);
      expect(ran()).toEqual([]);
    });

    it('runs, with a warning, a delivery that has no delivery id', async () => {
      const body = '{"type":"no id"}';
      await post('/replayed', signed(body), body).expect(200, { received: true });
      expect(lines('warn')).toEqual(["Webhook from 'replayed' has no delivery id: handled without replay protection"]);
      expect(ran()).toEqual(['replayed']);
    });
  });

  it('answers 500 naming the fix, never running the handler, on a route whose provider name the startup check never saw', async () => {
    // The startup check reads @VerifiedWebhook on every controller: here the name is set after it ran.
    Reflect.defineMetadata(WEBHOOK_PROVIDER_METADATA, 'removed', PathsController.prototype.unchecked);
    const fix = "no webhook provider named 'removed' is configured in WebhookSecurityModule.forRoot().";
    const res = await post('/paths/unchecked', signed()).expect(500);
    expect(res.body).toMatchObject({ message: `Webhook verification is misconfigured: ${fix}` });
    expect(lines('error')).toEqual([`POST /paths/unchecked: ${fix}`]);
    expect(ran()).toEqual([]);
  });
});

describe.each(ADAPTERS)('an app created without rawBody, on %s', (adapter) => {
  const FIX =
    'Webhook verification is misconfigured: ' +
    {
      express:
        'the raw request body is unavailable because a body parser consumed it. Create the app with NestFactory.create(AppModule, { rawBody: true }); ' +
        "if the app registers its own json() parser, register it with app.useBodyParser('json') instead of app.use(json()), so the raw bytes are kept.",
      fastify:
        "the raw request body is unavailable because Fastify's parser read it. Create the app with NestFactory.create(AppModule, new FastifyAdapter(), { rawBody: true }).",
    }[adapter];

  it('answers 500 naming the fix, logs it once per route, tells onVerificationFailure, and never runs the handler', async () => {
    const failures: string[] = [];
    const t = await createApp(
      WebhookSecurityModule.forRoot({ providers, onVerificationFailure: ({ provider, reason }) => void failures.push(`${provider}:${reason}`) }),
      { controllers: [EdgeController], rawBody: false, adapter },
    );
    t.logger.lines.length = 0;
    const post = () =>
      request(t.app.getHttpServer())
        .post('/edge/trailing')
        .set('content-type', 'application/json')
        .set({ 'x-edge-time': '1', 'x-edge-signature': hmacHex(SECRET, `${BODY}.1`) })
        .send(BODY);
    expect((await post().expect(500)).body).toMatchObject({ message: FIX });
    await post().expect(500);
    expect(t.logger.lines).toEqual([{ level: 'error', message: `POST /edge/trailing: ${FIX.slice(FIX.indexOf(': ') + 2)}` }]);
    expect(failures).toEqual(['trailingTimestamp:raw_body_unavailable', 'trailingTimestamp:raw_body_unavailable']);
    expect(t.log.deliveries).toEqual([]);
    await t.app.close();
  });
});

// Nest's logger is process-wide, so apps that fail to start get their own describe, after the shared app is closed.
describe('a malformed Standard Webhooks key fails startup', () => {
  const secret = Buffer.from('a Standard Webhooks test secret!').toString('base64');
  const publicKey = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');

  it('starts with a well-formed whsec_ or whpk_ key', async () => {
    for (const key of [`whsec_${secret}`, `whpk_${publicKey}`]) {
      const { app } = await createApp(WebhookSecurityModule.forRoot({ providers: { standardwebhooks: { secret: key } } }), { controllers: [] });
      await app.close();
    }
  });

  // Buffer.from would decode each of these to a key of the bytes it can read, skipping the rest.
  it.each([
    ['a character outside base64 in a whsec_ key', 'whsec_abc!def='],
    ['junk before the base64 of a whsec_ key', `whsec_!!!!${secret}`],
    ['a line of junk after the base64 of a whsec_ key', `whsec_${secret}\n!!!`],
    ['junk before the base64 of a whpk_ key', `whpk_!!!!${publicKey}`],
    ['a line of junk after the base64 of a whpk_ key', `whpk_${publicKey}\n!!!`],
  ])('rejects %s', async (_name, key) => {
    await expect(createApp(WebhookSecurityModule.forRoot({ providers: { standardwebhooks: { secret: key } } }), { controllers: [] })).rejects.toThrow(
      "Webhook provider 'standardwebhooks': secret must be",
    );
  });
});

/** Status and body of a supertest response. */
function toRaw(res: request.Response): { status: number; body: string } {
  return { status: res.status, body: res.text };
}

/** Status and body of a response read off the socket. */
function fromRaw(response: string): { status: number; body: string } {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body };
}
