import { createHmac } from 'node:crypto';
import request from 'supertest';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { WebhookSecurityModule } from '../src/index.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { URL_SIGNING_SECRETS as SECRETS, startUrlSigningApp, type UrlSigningApp } from './app/url-signing-app.js';
import { VendorsController } from './app/vendors.controller.js';
import { send } from './support/raw-http.js';

/*
 * A charset other than UTF-8 makes the app's parser decode the signed bytes
 * differently (Express reads `caf%C3%A9` as "cafÃ©" under iso-8859-1), so the
 * handler would get values that were not signed: such a request gets 415.
 */
const FORM = 'application/x-www-form-urlencoded';

describe.each(ADAPTERS)('The charset of a form or JSON body, on %s', (adapter) => {
  let t: UrlSigningApp;
  beforeEach(async () => {
    t = await startUrlSigningApp(adapter);
  });
  afterEach(() => t?.app.close());
  const signature = () => ({ 'x-twilio-signature': getExpectedTwilioSignature(SECRETS.twilio, `http://127.0.0.1:${t.port}/forms/twilio`, { Body: 'café' }) });

  it.each(['iso-8859-1', 'latin1', '"windows-1252"', 'utf-16le'])('answers 415 to a signed form sent with charset=%s', async (charset) => {
    const res = await send(t.port, '/forms/twilio', { 'content-type': `${FORM}; charset=${charset}`, ...signature() }, 'Body=caf%C3%A9');
    expect(res.status).toBe(415);
    expect(t.log.deliveries).toEqual([]);
  });

  it.each([`${FORM}; charset=utf-8`, `${FORM}; charset="UTF-8"`, `${FORM};charset=Utf-8`, FORM])(
    'accepts %s and hands the handler the signed values',
    async (type) => {
      const res = await send(t.port, '/forms/twilio', { 'content-type': type, ...signature() }, 'Body=caf%C3%A9');
      expect(res.status).toBe(200);
      expect(t.log.deliveries.map((d) => d.body)).toEqual([{ Body: 'café' }]);
    },
  );
});

describe('A Slack slash command sent with charset=iso-8859-1, on express', () => {
  const SECRET = 'slack-signing-secret';
  const BODY = 'command=%2Fpay&text=caf%C3%A9&user_id=U2CERLKJA';
  let t: TestApp;
  beforeEach(async () => {
    const other = { secret: 'unused-secret' };
    const providers = { slack: { secret: SECRET }, github: other, shopify: other, twilio: other, stripe: { secret: 'whsec_x' } };
    t = await createApp(
      WebhookSecurityModule.forRoot({
        providers: {
          ...providers,
          stripeConnect: { scheme: 'stripe', secret: 'whsec_x' },
          standardwebhooks: { secret: 'whsec_eHh4eA==' },
          svix: { secret: 'whsec_eHh4eA==' },
        },
      }),
      { controllers: [VendorsController] },
    );
  });
  afterEach(() => t.app.close());

  it('answers 415 and never hands the handler values decoded from another charset', async () => {
    // Slack's documented scheme: v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + raw body)).
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${BODY}`).digest('hex')}`;
    const post = (type: string) =>
      request(t.app.getHttpServer())
        .post('/vendors/slack')
        .set('content-type', type)
        .set({ 'x-slack-request-timestamp': ts, 'x-slack-signature': sig })
        .send(BODY);
    expect((await post(`${FORM}; charset=iso-8859-1`)).status).toBe(415);
    expect(t.log.deliveries).toEqual([]);
    expect((await post(`${FORM}; charset=utf-8`)).status).toBe(200);
    expect(t.log.deliveries.map((d) => d.body)).toEqual([{ command: '/pay', text: 'café', user_id: 'U2CERLKJA' }]);
  });
});
