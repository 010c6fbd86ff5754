import { createSign, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { All, Controller, HttpCode, Post } from '@nestjs/common';
import request from 'supertest';
import { VerifiedWebhook } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { HmacSchemeVerifier } from '../src/verifiers/hmac-scheme.verifier.js';
import { GITHUB_SCHEME } from '../src/verifiers/schemes/github.scheme.js';
import { TWITCH_SCHEME } from '../src/verifiers/schemes/twitch.scheme.js';
import { Calls, startCallsApp, type CallsApp } from './app/calls-app.js';
import { ADAPTERS } from './app/create-app.js';
import { PAYPAL_SUBJECT, paypalCertificate, testCertificate } from './support/key-server.js';

@Controller('k')
class KeysController {
  constructor(private readonly calls: Calls) {}

  @All('x')
  @HttpCode(200)
  @VerifiedWebhook('x')
  x() {
    this.calls.names.push('x');
  }

  @Post('plaid')
  @HttpCode(200)
  @VerifiedWebhook('plaid')
  plaid() {
    this.calls.names.push('plaid');
  }

  @Post('paypal')
  @HttpCode(200)
  @VerifiedWebhook('paypal')
  paypal() {
    this.calls.names.push('paypal');
  }
}

const KEY_PATH = '/webhook_verification_key/get';

describe.each(ADAPTERS)('Unsigned challenges and fetched keys cannot be turned against the app (%s)', (adapter) => {
  let t: CallsApp;
  const paypalCert = paypalCertificate();
  const selfSigned = testCertificate({ subject: PAYPAL_SUBJECT, privateKey: paypalCert.privateKey });

  beforeAll(async () => {
    t = await startCallsApp(adapter, KeysController, (keys) => ({
      x: { secret: 'x-consumer-secret' },
      plaid: { secret: 'client:plaid-secret', keyOrigins: [keys.origin] },
      paypal: { secret: 'WEBHOOK1', replay: {}, keyOrigins: [keys.origin], certificateAuthorities: [paypalCert.authority] },
    }));
    t.keys.routes.set('/v1/notifications/certs/CERT-issued', { body: paypalCert.certificate });
    t.keys.routes.set('/v1/notifications/certs/CERT-self-signed', { body: selfSigned.certificate });
  });
  afterAll(() => t.close());
  beforeEach(() => t.calls.names.splice(0));

  it("refuses an X CRC token that is not X's kind of token, so the CRC reply never signs a body", async () => {
    const forged = '{"for_user_id":"1","tweet_create_events":[{"text":"forged"}]}';
    await request(t.app.getHttpServer())
      .get(`/k/x?crc_token=${encodeURIComponent(forged)}`)
      .expect(401);
    const token = 'MGRkNmNkYjAtNDBmNS00ZWNmLWE0ZjItZWRkNjQ5NmNmOGZl';
    const crc = await request(t.app.getHttpServer()).get(`/k/x?crc_token=${token}`).expect(200);
    const { response_token } = JSON.parse(crc.text) as { response_token: string };
    // The reply signs the token: sent as a body, it is no JSON delivery, and never reaches a handler
    // (401 from the guard; Fastify answers 415 or, with no raw body for text, the misconfiguration 500 first).
    for (const type of ['text/plain', 'application/octet-stream', 'application/json']) {
      const sent = await request(t.app.getHttpServer()).post('/k/x').set('content-type', type).set('x-twitter-webhooks-signature', response_token).send(token);
      expect(sent.status).toBeGreaterThanOrEqual(400);
    }
    if (adapter === 'express') {
      await request(t.app.getHttpServer())
        .post('/k/x')
        .set('content-type', 'text/plain')
        .set('x-twitter-webhooks-signature', response_token)
        .send(token)
        .expect(401);
    }
    expect(t.calls.names).toEqual([]);
  });

  it('looks up an unknown Plaid kid at most once a minute, and not at all for a stale token', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = (kid: string, iat: number) => {
      const head = Buffer.from(JSON.stringify({ alg: 'ES256', kid })).toString('base64url');
      const claims = Buffer.from(JSON.stringify({ iat, request_body_sha256: '0'.repeat(64) })).toString('base64url');
      return `${head}.${claims}.${signBytes('sha256', Buffer.from(`${head}.${claims}`), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    const before = t.keys.hits.get(KEY_PATH) ?? 0;
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++)
      await request(t.app.getHttpServer())
        .post('/k/plaid')
        .set('plaid-verification', token(`unknown-${adapter}`, now))
        .send('{}')
        .expect(503);
    await request(t.app.getHttpServer())
      .post('/k/plaid')
      .set('plaid-verification', token(`stale-${adapter}`, now - 3600))
      .send('{}')
      .expect(401);
    expect((t.keys.hits.get(KEY_PATH) ?? 0) - before).toBe(1);
    expect(t.calls.names).toEqual([]);
  });

  it("fetches PayPal certificates only from PayPal's certificate path, once per URL while it fails", async () => {
    const headers = (certUrl: string) => ({
      'paypal-transmission-id': `id-${Math.random()}`,
      'paypal-transmission-time': new Date().toISOString(),
      'paypal-transmission-sig': 'AAAA',
      'paypal-cert-url': certUrl,
    });
    for (const path of ['/any/path', '/v1/notifications/certs/CERT-1?n=1', '/v1/notifications/certs/CERT-1#x']) {
      await request(t.app.getHttpServer())
        .post('/k/paypal')
        .set(headers(`${t.keys.origin}${path}`))
        .send('{}')
        .expect(401);
    }
    for (let i = 0; i < 3; i++) {
      await request(t.app.getHttpServer())
        .post('/k/paypal')
        .set(headers(`${t.keys.origin}/v1/notifications/certs/CERT-${adapter}`))
        .send('{}')
        .expect(503);
    }
    expect([...t.keys.hits.keys()].filter((path) => !path.startsWith(KEY_PATH))).toEqual([`/v1/notifications/certs/CERT-${adapter}`]);
    expect(t.keys.hits.get(`/v1/notifications/certs/CERT-${adapter}`)).toBe(1);
  });

  it('accepts a PayPal delivery signed with a certificate that chains to a trusted authority, and 401s one in PayPal’s name that does not', async () => {
    const body = '{"id":"WH-1","event_type":"PAYMENT.SALE.COMPLETED"}';
    const delivery = (cert: string) => {
      const id = `id-${adapter}-${cert}`;
      const time = new Date().toISOString();
      const message = `${id}|${time}|WEBHOOK1|${crc32(Buffer.from(body))}`;
      return request(t.app.getHttpServer())
        .post('/k/paypal')
        .set('content-type', 'application/json')
        .set({
          'paypal-transmission-id': id,
          'paypal-transmission-time': time,
          'paypal-transmission-sig': createSign('sha256').update(message).sign(paypalCert.privateKey, 'base64'),
          'paypal-cert-url': `${t.keys.origin}/v1/notifications/certs/${cert}`,
          'paypal-auth-algo': 'SHA256withRSA',
        })
        .send(body);
    };
    await delivery('CERT-self-signed').expect(401);
    expect(t.calls.names).toEqual([]);
    await delivery('CERT-issued').expect(200);
    expect(t.calls.names).toEqual(['paypal']);
  });
});

describe('Handshakes decided by signed bytes', () => {
  it('Twitch: a verification message re-sent as a notification is still a handshake, and a notification is never one', () => {
    const verifier = new HmacSchemeVerifier(TWITCH_SCHEME);
    const challenge = '{"challenge":"pogchamp","subscription":{"type":"channel.follow"}}';
    const notification = '{"subscription":{"type":"channel.follow"},"event":{"user_id":"1"}}';
    const request = (body: string, type: string) => ({
      rawBody: Buffer.from(body),
      headers: { ...signWebhook('twitch', { secret: 's', body }), 'twitch-eventsub-message-type': type },
      url: '',
    });
    expect(verifier.handshake?.(request(challenge, 'notification'), ['s'])?.body).toBe('pogchamp');
    expect(verifier.handshake?.(request(notification, 'webhook_callback_verification'), ['s'])).toBeUndefined();
  });
});

describe('Event types from unsigned headers', () => {
  it('GitHub: a dotted X-GitHub-Event names no type, so it cannot stand for a whole issues.opened', () => {
    const verifier = new HmacSchemeVerifier(GITHUB_SCHEME);
    const body = '{"ref":"refs/heads/main"}';
    const request = (event: string) => ({
      rawBody: Buffer.from(body),
      headers: { ...signWebhook('github', { secret: 's', body }), 'x-github-event': event },
      url: '',
    });
    expect(verifier.eventType(request('push'))).toBe('push');
    expect(verifier.eventType(request('issues.opened'))).toBeUndefined();
    expect(verifier.unsignedEventTypeHeaders).toStrictEqual(['x-github-event']);
  });
});
