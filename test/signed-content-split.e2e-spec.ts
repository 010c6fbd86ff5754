import { createHash, createHmac } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { ADAPTERS } from './app/create-app.js';
import { URL_SIGNING_SECRETS as SECRETS, startUrlSigningApp, type UrlSigningApp } from './app/url-signing-app.js';
import { send } from './support/raw-http.js';

/*
 * The URL-signing schemes join the URL and the content with no separator, so
 * a captured signature fits any other split of the same text. Each case re-sends
 * a genuine signature with the split moved, over real HTTP: none may reach a handler.
 */
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };
const sha256Hex = (body: string) => createHash('sha256').update(body).digest('hex');
// Signatures from twilio-node (the vendor's SDK), over what Twilio would have sent.
const twilioSignature = (url: string, params: Record<string, string | string[]>) => ({
  'x-twilio-signature': getExpectedTwilioSignature(SECRETS.twilio, url, params),
});

describe.each(ADAPTERS)('A signature re-sent with the URL/content split moved, on %s', (adapter) => {
  let t: UrlSigningApp;
  afterEach(() => t?.app.close());
  const host = () => `127.0.0.1:${t.port}`;

  describe('without replay protection', () => {
    beforeEach(async () => {
      t = await startUrlSigningApp(adapter);
    });

    it('rejects a Twilio form post moved to a route whose path is a prefix of the signed one, its tail moved into the form: 401', async () => {
      const signed = twilioSignature(`http://${host()}/forms/twilio-other`, { CallSid: 'CA1', tenant: 'acme' });
      expect((await send(t.port, '/forms/twilio-other', { ...FORM, ...signed }, 'CallSid=CA1&tenant=acme')).status).toBe(200);
      const res = await send(t.port, '/forms/twilio', { ...FORM, ...signed }, '-otherCallSid=CA1&tenant=acme');
      expect(res.status).toBe(401);
      expect(t.log.deliveries.map((d) => d.route)).toEqual(['twilio-other']);
    });

    it('rejects a forged JSON body whose bodySHA256 was carried inside a signed form value: 401', async () => {
      const FORGED = '{"tenant":"victim","amount":100000}';
      const text = `&bodySHA256=${sha256Hex(FORGED)}&`;
      const signed = twilioSignature(`http://${host()}/forms/twilio?x=1`, { Body: text, From: '+15550001' });
      const res = await send(t.port, `/forms/twilio?x=1Body${text}From+15550001`, { ...JSON_TYPE, ...signed }, FORGED);
      expect(res.status).toBe(401);
      expect(t.log.deliveries).toEqual([]);
    });

    it('rejects a SignalWire JSON delivery moved to a route whose path is a prefix of the signed one: 401', async () => {
      const body = '{"CallSid":"CA1"}';
      // SignalWire's JSON scheme, as @signalwire/web-api validateRequest checks it: hex(HMAC-SHA1(key, url + raw body)).
      const sha1 = createHmac('sha1', SECRETS.signalwire).update(`http://${host()}/forms/signalwire-other${body}`).digest('hex');
      expect((await send(t.port, '/forms/signalwire', { ...FORM, 'x-signalwire-signature': sha1 }, `-other${body}`)).status).toBe(401);
      expect(t.log.deliveries).toEqual([]);
    });

    it('still accepts the genuine deliveries: a form post, a JSON delivery with bodySHA256, a SignalWire JSON delivery', async () => {
      const form = twilioSignature(`http://${host()}/forms/twilio?x=1`, { Body: 'a&b', From: '+15550001' });
      expect((await send(t.port, '/forms/twilio?x=1', { ...FORM, ...form }, 'Body=a%26b&From=%2B15550001')).status).toBe(200);
      const json = '{"status":"completed"}';
      const target = `/forms/twilio?x=1&bodySHA256=${sha256Hex(json)}`;
      expect((await send(t.port, target, { ...JSON_TYPE, ...twilioSignature(`http://${host()}${target}`, {}) }, json)).status).toBe(200);
      const sha1 = createHmac('sha1', SECRETS.signalwire).update(`http://${host()}/forms/signalwire${json}`).digest('hex');
      expect((await send(t.port, '/forms/signalwire', { ...JSON_TYPE, 'x-signalwire-signature': sha1 }, json)).status).toBe(200);
      expect(t.log.deliveries.map((d) => d.route)).toEqual(['twilio', 'twilio', 'signalwire']);
    });
  });
});
