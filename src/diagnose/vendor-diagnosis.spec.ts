import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { diagnoseWebhook } from './webhook-diagnosis.js';
import type { WebhookDiagnosisInput } from './webhook-diagnosis.interface.js';
import { STANDARD_WEBHOOKS_WITH_TEXT_SECRET } from '../../test/support/declarative-schemes.js';

// Each request is signed by the vendor's own SDK or taken from its published
// vectors; the diagnosis must name what was changed on the receiving side.
const codes = async (input: WebhookDiagnosisInput) => (await diagnoseWebhook(input)).causes.map((cause) => cause.code);

describe('diagnoseWebhook on vendor schemes', () => {
  describe('Stripe, signed by stripe-node', () => {
    const SECRET = 'whsec_test_5e7b1c0a9f3d4e2b8c6a';
    const EVENT = { id: 'evt_1', object: 'event', type: 'invoice.paid', data: { object: { customer_name: 'Zoë' } } };
    // Stripe sends its events pretty-printed with two spaces.
    const PAYLOAD = JSON.stringify(EVENT, null, 2);
    const SIGNED_AT = 1_700_000_000;
    const stripe = (input: Partial<WebhookDiagnosisInput>, timestamp = SIGNED_AT): WebhookDiagnosisInput => ({
      scheme: 'stripe',
      secret: SECRET,
      body: PAYLOAD,
      headers: { 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: PAYLOAD, secret: SECRET, timestamp }) },
      receivedAt: SIGNED_AT * 1000 + 30_000,
      ...input,
    });

    it('verifies the request as sent', async () => {
      expect(await diagnoseWebhook(stripe({}))).toEqual({ verified: true, causes: [] });
    });

    it('finds an app that hashes JSON.stringify of the parsed req.body', async () => {
      const diagnosis = await diagnoseWebhook(stripe({ body: JSON.stringify(EVENT) }));
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['reserialized_json']);
      expect(diagnosis.causes[0]!.message).toContain('JSON.stringify(body, null, 2)');
    });

    it('finds a secret configured without its whsec_ prefix', async () => {
      expect(await codes(stripe({ secret: SECRET.slice('whsec_'.length) }))).toEqual(['secret_prefix']);
    });

    it('says a delivery replayed 20 minutes later is stale, by how much', async () => {
      const diagnosis = await diagnoseWebhook(stripe({ receivedAt: new Date(SIGNED_AT * 1000 + 20 * 60_000) }));
      expect(diagnosis).toMatchObject({ reason: 'timestamp_out_of_tolerance', causes: [{ code: 'timestamp_stale' }] });
      expect(diagnosis.causes[0]!.message).toContain('20 minutes before the request arrived, 15 minutes outside the tolerance of 5 minutes');
    });

    it('says a timestamp 10 minutes ahead is clock skew, which stripe-node itself would let through', async () => {
      const diagnosis = await diagnoseWebhook(stripe({ receivedAt: SIGNED_AT * 1000 }, SIGNED_AT + 600));
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['timestamp_in_future']);
      expect(diagnosis.causes[0]!.message).toContain('10 minutes after the request arrived');
    });
  });

  describe('Standard Webhooks, signed by the standardwebhooks library', () => {
    // The published vector of the specification.
    const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    const TIMESTAMP = '1614265330';
    const BODY = '{"test": 2432232314}';
    const received = (signature: string, input: Partial<WebhookDiagnosisInput> = {}): WebhookDiagnosisInput => ({
      scheme: 'standardwebhooks',
      secret: SECRET,
      body: BODY,
      headers: { 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': signature },
      receivedAt: Number(TIMESTAMP) * 1000,
      ...input,
    });
    const sdkSignature = new Webhook(SECRET).sign(ID, new Date(Number(TIMESTAMP) * 1000), BODY);

    it('verifies the published vector, which the library signs too', async () => {
      expect(sdkSignature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
      expect(await diagnoseWebhook(received(sdkSignature))).toEqual({ verified: true, causes: [] });
    });

    it('finds a sender that uses the whsec_ secret as text, as Stripe does', async () => {
      const asText = createHmac('sha256', SECRET).update(`${ID}.${TIMESTAMP}.${BODY}`).digest('base64');
      expect(await codes(received(`v1,${asText}`))).toEqual(['secret_used_as_text']);
    });

    it('finds a Standard Webhooks sender checked as Stripe would: the secret used as text', async () => {
      const asStripe = STANDARD_WEBHOOKS_WITH_TEXT_SECRET;
      expect(await codes(received(sdkSignature, { scheme: asStripe }))).toEqual(['secret_base64_decoded']);
    });

    it('finds the trailing newline of a secret read from a file', async () => {
      expect(await codes(received(sdkSignature, { secret: `${SECRET}\n` }))).toEqual(['secret_whitespace']);
    });
  });

  describe('GitHub, Slack and Twilio published vectors', () => {
    it('GitHub: finds a body that gained a final newline', async () => {
      const headers = { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' };
      const given = { scheme: 'github', secret: "It's a Secret to Everybody", headers } as const;
      expect(await diagnoseWebhook({ ...given, body: 'Hello, World!' })).toEqual({ verified: true, causes: [] });
      expect(await codes({ ...given, body: 'Hello, World!\n' })).toEqual(['body_newline']);
    });

    it('Slack: finds the vector, diagnosed years later, stale', async () => {
      const body =
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
        '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
        '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
        '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
      const diagnosis = await diagnoseWebhook({
        scheme: 'slack',
        secret: '8f742231b10e8888abcd99yyyzzz85a5',
        body,
        headers: {
          'X-Slack-Request-Timestamp': '1531420618',
          'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
        },
        receivedAt: Date.parse('2018-07-19T18:36:58Z'),
      });
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['timestamp_stale']);
      expect(diagnosis.causes[0]!.message).toContain('7 days before the request arrived');
    });

    it('Twilio: finds the https URL signed behind a proxy that gives http', async () => {
      const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
      const diagnosis = await diagnoseWebhook({
        scheme: 'twilio',
        secret: '12345',
        body: new URLSearchParams(params).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' },
        url: 'http://mycompany.com/myapp.php?foo=1&bar=2',
      });
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['url_variant']);
      expect(diagnosis.causes[0]!.message).toContain('https://mycompany.com/myapp.php?foo=1&bar=2 (https instead of http)');
    });
  });
});
