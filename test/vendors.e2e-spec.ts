import { createHash, createHmac, generateKeyPairSync, sign as ed25519Sign } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import request from 'supertest';
import { WebhookSecurityModule, type BuiltInScheme, type WebhookSecurityModuleOptions } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { createApp, type TestApp } from './app/create-app.js';
import { VendorsController } from './app/vendors.controller.js';

const whsec = (text: string) => `whsec_${Buffer.from(text).toString('base64')}`;

/** Each vendor's secrets: the new one first, the old one still accepted (rotation). */
const SECRETS = {
  stripe: ['whsec_stripe_new', 'whsec_stripe_old'],
  github: ['github-new', 'github-old'],
  slack: ['slack-signing-new', 'slack-signing-old'],
  shopify: ['shpss_new', 'shpss_old'],
  twilio: ['twilio-primary-token', 'twilio-secondary-token'],
  standardwebhooks: [whsec('standard-new-secret-bytes'), whsec('standard-old-secret-bytes')],
  svix: [whsec('svix-new-secret-bytes!'), whsec('svix-old-secret-bytes!')],
} as const;
type Vendor = keyof typeof SECRETS;
const VENDORS = Object.keys(SECRETS) as Vendor[];

const JSON_BODY = JSON.stringify({ id: 'evt_1', type: 'ping', data: { name: 'Zoë', city: '北京', emoji: '🎉' } });
const FORM = 'application/x-www-form-urlencoded';
/** What each vendor sends: Slack slash commands and Twilio calls are form posts, the rest JSON. */
const PAYLOADS: Record<Vendor, { contentType: string; body: string; parsed: unknown }> = {
  stripe: { contentType: 'application/json', body: JSON_BODY, parsed: JSON.parse(JSON_BODY) },
  github: { contentType: 'application/json', body: JSON_BODY, parsed: JSON.parse(JSON_BODY) },
  slack: {
    contentType: FORM,
    body: 'command=%2Fping&text=hello+w%C3%B6rld&user_id=U2CERLKJA',
    parsed: { command: '/ping', text: 'hello wörld', user_id: 'U2CERLKJA' },
  },
  shopify: { contentType: 'application/json', body: JSON_BODY, parsed: JSON.parse(JSON_BODY) },
  twilio: {
    contentType: FORM,
    body: 'CallSid=CA123&From=%2B14158675309&Body=ping+%26+more',
    parsed: { CallSid: 'CA123', From: '+14158675309', Body: 'ping & more' },
  },
  standardwebhooks: { contentType: 'application/json', body: JSON_BODY, parsed: JSON.parse(JSON_BODY) },
  svix: { contentType: 'application/json', body: JSON_BODY, parsed: JSON.parse(JSON_BODY) },
};

/** Headers made by each vendor's own SDK, or with node:crypto as its docs describe where it ships none; never by this library. */
const SDK_HEADERS: Record<Vendor, (secret: string, body: string, url: string) => Promise<Record<string, string>> | Record<string, string>> = {
  stripe: (secret, payload) => ({ 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }) }),
  github: async (secret, body) => ({ 'x-hub-signature-256': await octokitSign(secret, body) }),
  slack: (secret, body) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
    return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${signature}` };
  },
  shopify: (secret, body) => ({ 'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64') }),
  twilio: (secret, body, url) => ({
    'x-twilio-signature': getExpectedTwilioSignature(secret, url, Object.fromEntries(new URLSearchParams(body))),
  }),
  standardwebhooks: (secret, body) => {
    const [id, timestamp] = ['msg_sdk', new Date()];
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
    };
  },
  svix: (secret, body) => {
    const [id, timestamp] = ['msg_sdk', new Date()];
    return {
      'svix-id': id,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': new SvixWebhook(secret).sign(id, timestamp, body),
    };
  },
};

const ed25519 = generateKeyPairSync('ed25519');
const WHPK = `whpk_${Buffer.from(ed25519.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64')}`;
const WRONG = { default: 'wrong-secret', standardwebhooks: whsec('wrong-secret-bytes'), svix: whsec('wrong-secret-bytes') };
const GENERIC_401 = { statusCode: 401, message: 'Invalid webhook signature', error: 'Unauthorized' };

const options = (): WebhookSecurityModuleOptions => ({
  providers: {
    ...Object.fromEntries(VENDORS.map((vendor) => [vendor, { secret: SECRETS[vendor] }])),
    standardwebhooks: { secret: [...SECRETS.standardwebhooks, WHPK] },
    stripeConnect: { scheme: 'stripe', secret: 'whsec_connect' },
  },
});

describe('vendors through @VerifiedWebhook', () => {
  let t: TestApp;
  let host: string;

  beforeEach(async () => {
    t = await createApp(WebhookSecurityModule.forRoot(options()), { controllers: [VendorsController] });
    await t.app.listen(0, '127.0.0.1');
    host = `127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
  });
  afterEach(() => t.app.close());

  const url = (path: string) => `http://${host}${path}`;
  const post = (path: string, body: string, headers: Record<string, string>, contentType = 'application/json') =>
    request(t.app.getHttpServer()).post(path).set('content-type', contentType).set(headers).send(body);

  describe.each(VENDORS)('%s', (vendor) => {
    const path = `/vendors/${vendor}`;
    const { body, contentType, parsed } = PAYLOADS[vendor];
    const signed = (secret: string, signedBody = body) => signWebhook(vendor, { secret, body: signedBody, url: url(path) });
    const send = (headers: Record<string, string>, sentBody = body) => post(path, sentBody, headers, contentType);

    it('runs the handler for a valid request, with the parsed body and the exact bytes', async () => {
      await send(signed(SECRETS[vendor][0])).expect(200, { received: true });
      expect(t.log.deliveries).toEqual([{ provider: vendor, body: parsed, rawBody: body }]);
    });

    it("accepts headers made by the vendor's SDK, or by node:crypto as its docs describe", async () => {
      await send(await SDK_HEADERS[vendor](SECRETS[vendor][0], body, url(path))).expect(200);
      expect(t.log.deliveries).toHaveLength(1);
    });

    it('accepts the old secret during a rotation', async () => {
      await send(signed(SECRETS[vendor][1])).expect(200);
      expect(t.log.deliveries).toHaveLength(1);
    });

    it('answers the same 401 to a tampered body, a wrong secret and missing headers', async () => {
      const wrong = vendor in WRONG ? WRONG[vendor as keyof typeof WRONG] : WRONG.default;
      await send(signed(SECRETS[vendor][0]), body.replace('ping', 'pong')).expect(401, GENERIC_401);
      await send(signed(wrong)).expect(401, GENERIC_401);
      await send({}).expect(401, GENERIC_401);
      expect(t.log.deliveries).toEqual([]);
    });

    it('answers 401, never 500, to junk in every signed header', async () => {
      const names = Object.keys(signed(SECRETS[vendor][0]));
      for (const junk of ['x', 'zz'.repeat(32), 't=,v1=', 'v1, v1a,', '%00%ff', 'é'.repeat(200), 'A'.repeat(4_000), ', , ,']) {
        await send(Object.fromEntries(names.map((name) => [name, junk]))).expect(401);
      }
      expect(t.log.deliveries).toEqual([]);
    });
  });

  it('rejects a Stripe signature 10 minutes old or 10 minutes ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 600, now + 600]) {
      await post('/vendors/stripe', JSON_BODY, signWebhook('stripe', { secret: SECRETS.stripe[0], body: JSON_BODY, timestamp })).expect(401);
    }
    expect(t.log.deliveries).toEqual([]);
  });

  it('verifies a second Stripe account under its own name and secret', async () => {
    const headers = signWebhook('stripe', { secret: 'whsec_connect', body: JSON_BODY });
    await post('/vendors/stripe-connect/acct_1', JSON_BODY, headers).expect(200);
    await post('/vendors/stripe', JSON_BODY, headers).expect(401);
    expect(t.log.deliveries.map((delivery) => delivery.provider)).toEqual(['stripeConnect:acct_1']);
  });

  it('verifies a Standard Webhooks v1a (Ed25519) signature against a whpk_ key configured beside whsec_ secrets', async () => {
    const id = 'msg_ed25519';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const v1a = (body: string) => `v1a,${ed25519Sign(null, Buffer.from(`${id}.${timestamp}.${body}`), ed25519.privateKey).toString('base64')}`;
    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': v1a(JSON_BODY) };
    await post('/vendors/standardwebhooks', JSON_BODY, headers).expect(200);
    await post('/vendors/standardwebhooks', JSON_BODY.replace('ping', 'pong'), headers).expect(401);
    await post('/vendors/standardwebhooks', JSON_BODY, { ...headers, 'webhook-signature': 'v2,abc' }).expect(401);
    expect(t.log.deliveries).toHaveLength(1);
  });

  it('verifies a Twilio JSON body through bodySHA256, on a URL with a query string', async () => {
    const body = '{"StatusCallbackEvent":"ping","Sid":"EV123"}';
    const hash = createHash('sha256').update(body).digest('hex');
    const path = `/vendors/twilio?tenant=acme&bodySHA256=${hash}`;
    const headers = { 'x-twilio-signature': getExpectedTwilioSignature(SECRETS.twilio[0], url(path), {}) };
    await post(path, body, headers).expect(200);
    await post(path, body.replace('ping', 'pong'), headers).expect(401);
    await post(path.replace('acme', 'other'), body, headers).expect(401);
    expect(t.log.deliveries).toHaveLength(1);
  });
});

describe('vendor secrets checked at startup', () => {
  it.each<[BuiltInScheme, string]>([
    ['standardwebhooks', 'whsec_not base64!'],
    ['svix', 'whpk_AAAA'],
  ])('stops the app when a %s secret is no Standard Webhooks key, without printing it', async (scheme, secret) => {
    const providers = { hooks: { scheme, secret: [whsec('fine-secret'), secret] } };
    const attempt = createApp(WebhookSecurityModule.forRoot({ providers }), { controllers: [] });
    await expect(attempt).rejects.toThrow(
      "Webhook provider 'hooks': secret[1] must be a Standard Webhooks key with its prefix: whsec_ followed by the base64 signing secret, or whpk_ followed by the base64 32-byte Ed25519 public key.",
    );
    await expect(attempt).rejects.not.toThrow(secret);
  });
});
