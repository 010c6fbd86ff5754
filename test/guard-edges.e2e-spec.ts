import { createHmac, generateKeyPairSync } from 'node:crypto';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import request from 'supertest';
import { VerifiedWebhook, WebhookSecurityModule, type WebhookSecurityModuleOptions } from '../src/index.js';
import { createApp, type TestApp } from './app/create-app.js';
import { DeliveryLog } from './app/webhooks.controller.js';

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

describe('the guard, over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers }), { controllers: [EdgeController] });
  });
  afterAll(() => t.app.close());
  beforeEach(() => {
    t.log.deliveries.length = 0;
    t.logger.lines.length = 0;
  });

  const post = (path: string, headers: Record<string, string>, body = BODY) =>
    request(t.app.getHttpServer()).post(path).set('content-type', 'application/json').set(headers).send(body);
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
