import { createSign } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Controller, HttpCode, Post } from '@nestjs/common';
import request from 'supertest';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { Calls } from './app/calls-app.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { paypalCertificate, startKeyServer, type KeyServer } from './support/key-server.js';

@Controller('budget')
class BudgetController {
  constructor(private readonly calls: Calls) {}

  @Post('paypal')
  @HttpCode(200)
  @VerifiedWebhook('paypal')
  paypal() {
    this.calls.names.push('paypal');
  }
}

const CERT_PATH = '/v1/notifications/certs/';

describe.each(ADAPTERS)('Unsigned requests naming certificate URLs cannot lock PayPal out (%s)', (adapter) => {
  let t: TestApp & { calls: Calls; keys: KeyServer };
  let now = Date.now();
  const paypalCert = paypalCertificate();

  beforeEach(async () => {
    now = Date.now();
    const keys = await startKeyServer();
    const providers = { paypal: { secret: 'WEBHOOK1', replay: {}, keyOrigins: [keys.origin], certificateAuthorities: [paypalCert.authority] } };
    const app = await createApp(WebhookSecurityModule.forRoot({ providers, clock: () => now }), {
      adapter,
      controllers: [BudgetController],
      providers: [Calls],
    });
    t = { ...app, calls: app.app.get(Calls), keys };
    keys.routes.set(`${CERT_PATH}CERT-issued`, { body: paypalCert.certificate });
  });
  afterEach(async () => {
    await t.app.close();
    await t.keys.close();
  });

  const body = '{"id":"WH-1","event_type":"PAYMENT.SALE.COMPLETED"}';
  let sequence = 0;
  /** A delivery PayPal signed, with the certificate it names. */
  const genuine = () => {
    const id = `id-${adapter}-${++sequence}`;
    const time = new Date(now).toISOString();
    const message = `${id}|${time}|WEBHOOK1|${crc32(Buffer.from(body))}`;
    return request(t.app.getHttpServer())
      .post('/budget/paypal')
      .set('content-type', 'application/json')
      .set({
        'paypal-transmission-id': id,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': createSign('sha256').update(message).sign(paypalCert.privateKey, 'base64'),
        'paypal-cert-url': `${t.keys.origin}${CERT_PATH}CERT-issued`,
        'paypal-auth-algo': 'SHA256withRSA',
      })
      .send(body);
  };
  /** An unsigned request naming a certificate URL on PayPal's path that nobody has asked for yet, or `certUrl`. */
  const forged = (n: number, certUrl = `${t.keys.origin}${CERT_PATH}CERT-forged-${n}`) =>
    request(t.app.getHttpServer())
      .post('/budget/paypal')
      .set('content-type', 'application/json')
      .set({
        'paypal-transmission-id': `forged-${n}`,
        'paypal-transmission-time': new Date(now).toISOString(),
        'paypal-transmission-sig': 'AAAA',
        'paypal-cert-url': certUrl,
      })
      .send(body);

  it("answers 503 to a signed delivery naming a certificate never fetched while the minute's fetches are used up, and accepts its retry after it", async () => {
    for (let n = 0; n < 30; n++) await forged(n);
    // Nothing tells PayPal's new certificate from a forged URL before it is fetched: the sender retries later.
    await genuine().expect(503);
    now += 60_001;
    await genuine().expect(200);
    expect(t.calls.names).toEqual(['paypal']);
  });

  it("keeps using a certificate past its TTL while the minute's fetches are used up", async () => {
    await genuine().expect(200);
    now += 3_600_001;
    for (let n = 0; n < 30; n++) await forged(n);
    await genuine().expect(200);
    expect(t.calls.names).toEqual(['paypal', 'paypal']);
  });

  it('keeps accepting signed deliveries while unsigned requests name 80 new certificate URLs a minute', async () => {
    await genuine().expect(200);
    // For four minutes: past 100 new URLs the cached certificate is dropped, and the fetch limit is used up.
    for (let n = 0; n < 160; n++) {
      now += 1_500;
      await forged(2 * n);
      await forged(2 * n + 1);
    }
    await genuine().expect(200);
    expect(t.calls.names).toEqual(['paypal', 'paypal']);
  });

  it("keeps accepting signed deliveries while unsigned requests name the certificate's own URL, spelt 100 other ways", async () => {
    await genuine().expect(200);
    // Each spelling is fetched once, and PayPal's host serves the certificate at each (`a/../CERT-…` is `CERT-…`).
    for (let n = 0; n < 100; n++) {
      now += 2_100;
      await forged(n, `${t.keys.origin}${CERT_PATH}spelling-${n}/../CERT-issued`).expect(401);
    }
    for (let n = 0; n < 30; n++) await forged(n);
    await genuine().expect(200);
    expect(t.calls.names).toEqual(['paypal', 'paypal']);
    expect(t.keys.hits.get(`${CERT_PATH}CERT-issued`)).toBe(1);
  });
});
