import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { Controller, HttpCode, Post } from '@nestjs/common';
import request from 'supertest';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { Calls } from './app/calls-app.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { startKeyServer, type KeyServer } from './support/key-server.js';

/*
 * A sender whose bodies repeat byte for byte (Plaid's SYNC_UPDATES_AVAILABLE
 * names only the item) but which signs a timestamp: replay protection must
 * refuse a replayed request, not the sender's next notification of the same body.
 */
const KEY_PATH = '/webhook_verification_key/get';
const KID = 'bfbd5111-8e33-4643-8ced-b2e642a72f3c';
const BODY =
  '{"webhook_type":"TRANSACTIONS","webhook_code":"SYNC_UPDATES_AVAILABLE","item_id":"wz666MBjYWTp2PDzzggYhM6oWWmBb","initial_update_complete":true,"historical_update_complete":true,"environment":"production"}';

@Controller('repeat')
class RepeatController {
  constructor(private readonly calls: Calls) {}

  @Post('plaid')
  @HttpCode(200)
  @VerifiedWebhook('plaid')
  plaid() {
    this.calls.names.push('plaid');
  }
}

describe.each(ADAPTERS)('Byte-identical bodies a sender signed at different times, under replay protection (%s)', (adapter) => {
  let t: TestApp & { calls: Calls; keys: KeyServer };
  let now = Date.now();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  beforeEach(async () => {
    now = Date.now();
    const keys = await startKeyServer();
    const jwk = { ...publicKey.export({ format: 'jwk' }), alg: 'ES256', kid: KID, use: 'sig', expired_at: null };
    keys.routes.set(KEY_PATH, { body: JSON.stringify({ key: jwk, request_id: 'req-1' }) });
    const providers = { plaid: { secret: 'client-5f0c:secret-9a1b', keyOrigins: [keys.origin], replay: {} } };
    const app = await createApp(WebhookSecurityModule.forRoot({ providers, clock: () => now }), {
      adapter,
      controllers: [RepeatController],
      providers: [Calls],
    });
    t = { ...app, calls: app.app.get(Calls), keys };
  });
  afterEach(async () => {
    await t.app.close();
    await t.keys.close();
  });

  /** Plaid-Verification as Plaid signs it now: an ES256 JWT over iat and the body's SHA-256. */
  const token = () => {
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { iat: Math.floor(now / 1000), request_body_sha256: createHash('sha256').update(BODY).digest('hex') };
    const input = `${segment({ alg: 'ES256', kid: KID, typ: 'JWT' })}.${segment(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const post = (jwt: string) =>
    request(t.app.getHttpServer()).post('/repeat/plaid').set('content-type', 'application/json').set('plaid-verification', jwt).send(BODY);

  it('runs a Plaid notification signed a minute after one of the same body, and refuses a replay of either', async () => {
    const first = token();
    await post(first).expect(200);
    now += 60_000;
    const second = token();
    await post(second).expect(200);
    await post(first).expect(200);
    await post(second).expect(200);
    expect(t.calls.names).toEqual(['plaid', 'plaid']);
  });
});
