import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  FullupVerifier,
  GitHubVerifier,
  HmacSchemeVerifier,
  NoyoVerifier,
  ShopifyVerifier,
  SignalWireVerifier,
  SlackVerifier,
  StandardWebhooksVerifier,
  StripeVerifier,
  SvixVerifier,
  TrophyVerifier,
  TwilioVerifier,
} from '../../src/index.js';
import { eventTypeHeaderValues, eventTypeKeys, replayKey } from '../../src/replay/webhook-delivery.js';
import { webhookRequest } from '../support/webhook-request.js';

const sha256 = (...parts: string[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('base64url');
};

describe('deliveryId', () => {
  describe('Noyo', () => {
    const noyo = new NoyoVerifier();
    const timestamp = '2024-05-08T21:27:45.039587+00:00';

    it("is the event's id from the body, whatever the timestamp and signature", () => {
      const body = '{"data":{"id":"eb73184b"},"event":{"id":"3573d31d-15a0-4b0b"}}';
      expect(noyo.deliveryId(webhookRequest(body, { 'x-noyo-timestamp': timestamp, 'x-noyo-signature': 'a' }))).toBe('event:3573d31d-15a0-4b0b');
      expect(noyo.deliveryId(webhookRequest(body, { 'x-noyo-timestamp': 'later', 'x-noyo-signature': 'b' }))).toBe('event:3573d31d-15a0-4b0b');
    });

    it.each([['{"event":{}}'], ['{"event":{"id":""}}'], ['{"event":{"id":7}}'], ['not json'], ['null'], ['"text"']])(
      'is the hash of the signed timestamp and body when %s carries no event id',
      (body) => {
        const headers = { 'x-noyo-timestamp': timestamp, 'x-noyo-signature': 'ignored' };
        expect(noyo.deliveryId(webhookRequest(body, headers))).toBe(`signed:${sha256(timestamp, '.', body)}`);
      },
    );
  });

  describe('schemes without an id: the hash of what the signature covers', () => {
    const body = '{"id":"evt_1"}';

    it('Fullup and Trophy: the body, not the signature header text', () => {
      for (const verifier of [new FullupVerifier(), new TrophyVerifier()]) {
        expect(verifier.deliveryId(webhookRequest(body, {}))).toBe(`signed:${sha256(body)}`);
      }
    });

    it('SignalWire JSON: the URL and body, the same with or without the SHA-256 header', () => {
      const signalwire = new SignalWireVerifier();
      const url = 'https://example.com/webhooks';
      const sha1Only = { 'x-signalwire-signature': 'a'.repeat(40) };
      expect(signalwire.deliveryId(webhookRequest(body, sha1Only, url))).toBe(`signed:${sha256(url, body)}`);
      expect(signalwire.deliveryId(webhookRequest(body, { ...sha1Only, 'x-signalwire-sha256-signature': 'b'.repeat(64) }, url))).toBe(
        `signed:${sha256(url, body)}`,
      );
    });

    it('SignalWire form posts: the URL and form content verified, however the URL and base64 are written', () => {
      const signalwire = new SignalWireVerifier();
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const url = "https://example.com/laml?q='x'";
      const signature = signalwire.sign({ secret: 'key', body: 'To=1&From=2', url, format: 'form' })['x-signalwire-signature']!;
      const expected = `signed:${sha256(url, 'From2To1')}`;
      for (const [received, header] of [
        [url, signature],
        ['https://example.com:443/laml?q=%27x%27', ` ${signature.slice(0, -1)} `],
      ] as const) {
        const request = webhookRequest('From=2&To=1', { ...form, 'x-signalwire-signature': header }, received);
        expect(signalwire.verify(request, ['key'])).toEqual({ verified: true });
        expect(signalwire.deliveryId(request)).toBe(expected);
      }
    });
  });

  describe('Stripe', () => {
    const stripe = new StripeVerifier();

    it("is the event's id from the body, whatever the signing time", () => {
      const body = '{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event"}';
      for (const header of ['t=1,v1=' + 'a'.repeat(64), 't=2,v1=' + 'b'.repeat(64)]) {
        expect(stripe.deliveryId(webhookRequest(body, { 'stripe-signature': header }))).toBe('event:evt_1NG8Du2eZvKYlo2CUI79vXWy');
      }
    });

    it('is the hash of the signed timestamp and body when the body has no id', () => {
      const header = `t=1614265330,v1=${'a'.repeat(64)},v1=${'b'.repeat(64)}`;
      expect(stripe.deliveryId(webhookRequest('{}', { 'stripe-signature': header }))).toBe(`signed:${sha256('1614265330', '.', '{}')}`);
    });
  });

  describe('Standard Webhooks and Svix', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';

    it("is the message id the standardwebhooks library signs, on every retry's new timestamp", () => {
      const webhook = new Webhook(secret);
      const verifier = new StandardWebhooksVerifier();
      for (const at of [new Date(1614265330_000), new Date(1614265390_000)]) {
        const headers = {
          'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
          'webhook-timestamp': String(at.getTime() / 1000),
          'webhook-signature': webhook.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', at, body),
        };
        expect(verifier.deliveryId(webhookRequest(body, headers))).toBe('msg_p5jXN8AQM9LWM0D4loKWxJek');
      }
    });

    it('reads svix-id when the svix headers carry the signature', () => {
      const headers = { 'svix-id': 'msg_svix', 'svix-timestamp': '1614265330', 'svix-signature': 'v1,x', 'webhook-id': 'other' };
      expect(new SvixVerifier().deliveryId(webhookRequest(body, headers))).toBe('msg_svix');
      expect(new StandardWebhooksVerifier().deliveryId(webhookRequest(body, headers))).toBe('msg_svix');
    });
  });

  describe('Slack', () => {
    const slack = new SlackVerifier();

    it("is the Events API's event_id, which a retry keeps", () => {
      const body = '{"type":"event_callback","event_id":"Ev0PV52K21","event":{"type":"app_mention"}}';
      for (const [timestamp, retry] of [
        ['1531420618', '0'],
        ['1531420678', '1'],
      ]) {
        const headers = { 'x-slack-request-timestamp': timestamp!, 'x-slack-signature': 'v0=x', 'x-slack-retry-num': retry! };
        expect(slack.deliveryId(webhookRequest(body, headers))).toBe('event:Ev0PV52K21');
      }
    });

    it('is the hash of the signed content for a slash command, which has no event id', () => {
      const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&command=%2Fweather&text=94070';
      const headers = { 'x-slack-request-timestamp': '1531420618', 'x-slack-signature': 'v0=x' };
      expect(slack.deliveryId(webhookRequest(body, headers))).toBe(`signed:${sha256('v0:', '1531420618', ':', body)}`);
    });
  });

  it('GitHub and Shopify: the signed body, not their unsigned id headers', () => {
    const body = '{"zen":"Design for failure."}';
    const github = new GitHubVerifier();
    const shopify = new ShopifyVerifier();
    expect(github.deliveryId(webhookRequest(body, { 'x-github-delivery': 'a' }))).toBe(`signed:${sha256(body)}`);
    expect(github.deliveryId(webhookRequest(body, { 'x-github-delivery': 'b' }))).toBe(`signed:${sha256(body)}`);
    expect(shopify.deliveryId(webhookRequest(body, { 'x-shopify-webhook-id': 'c' }))).toBe(`signed:${sha256(body)}`);
  });

  it('Twilio: the URL as signed and the form content, or the URL alone with bodySHA256', () => {
    const twilio = new TwilioVerifier();
    const url = 'https://example.com/sms?tenant=a';
    const form = webhookRequest('To=1', { 'content-type': 'application/x-www-form-urlencoded', ...twilio.sign({ secret: 'token', body: 'To=1', url }) }, url);
    expect(twilio.verify(form, ['token'])).toEqual({ verified: true });
    expect(twilio.deliveryId(form)).toBe(`signed:${sha256(url, 'To1')}`);
    const body = '{"a":1}';
    const hashUrl = `${url}&bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const json = webhookRequest(body, { 'content-type': 'application/json', ...twilio.sign({ secret: 'token', body, url: hashUrl }) }, hashUrl);
    expect(twilio.verify(json, ['token'])).toEqual({ verified: true });
    expect(twilio.deliveryId(json)).toBe(`signed:${sha256(hashUrl)}`);
  });

  it("is a scheme's id header when it names one", () => {
    const scheme = new HmacSchemeVerifier({
      header: 'webhook-signature',
      algorithm: 'sha256',
      encoding: 'base64',
      signedContent: '{id}.{body}',
      id: { header: 'webhook-id' },
    });
    expect(scheme.deliveryId(webhookRequest('{}', { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek' }))).toBe('msg_p5jXN8AQM9LWM0D4loKWxJek');
  });
});

describe('eventTypeKeys', () => {
  const hashed = (text: string) => `p:${createHash('sha256').update(text).digest().subarray(0, 16).toString('base64url')}`;

  it('hashes a tag, the provider and the id, each after its length, then the header values: apart from every delivery key', () => {
    const keys = eventTypeKeys('p:', 'github', 'abc', '["issues"]');
    expect(keys).toStrictEqual({ bound: hashed('bound:6:github:3:abc'), boundTo: hashed('bound-to:6:github:3:abc["issues"]') });
    // The delivery key of an id written to look like the tie's input is another key.
    expect(keys.bound).not.toBe(replayKey('p:', 'github', '3:abc'));
    expect(keys.boundTo).not.toBe(replayKey('p:', 'github', '3:abc["issues"]'));
    expect(eventTypeKeys('p:', 'github', 'abc', '').boundTo).not.toBe(keys.bound);
  });

  it('keeps the values of the headers, in order, absent ones as null', () => {
    expect(eventTypeHeaderValues({ 'x-shopify-topic': 'orders/create' }, ['x-shopify-topic', 'shopify-topic'])).toBe('["orders/create",null]');
    expect(eventTypeHeaderValues({ 'shopify-topic': 'orders/create' }, ['x-shopify-topic', 'shopify-topic'])).toBe('[null,"orders/create"]');
    expect(eventTypeHeaderValues({ 'x-event': ['a', 'b'], 'x-empty': '' }, ['X-Event', 'x-empty'])).toBe('["a, b",null]');
  });
});
