import { createHash, createHmac } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { signWebhook } from '../src/testing/index.js';
import { ADAPTERS } from './app/create-app.js';
import { URL_SIGNING_SECRETS as SECRETS, startUrlSigningApp, type UrlSigningApp } from './app/url-signing-app.js';
import { send } from './support/raw-http.js';

/*
 * Schemes that sign the URL (Twilio, SignalWire) over real HTTP: the URL is
 * rebuilt from the request, so the Host header, the query and the body type
 * are attacker input until verified. Each case is an attack that must fail.
 */
const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const sha256Hex = (body: string) => createHash('sha256').update(body).digest('hex');
const PADDING = '&'.repeat(1000);

/** The two form-post providers, their routes and signature headers. */
const FORM_POSTERS = [
  { provider: 'twilio', header: 'x-twilio-signature' },
  { provider: 'signalwire', header: 'x-signalwire-signature' },
] as const;

describe.each(ADAPTERS)('Schemes that sign the URL, on %s', (adapter) => {
  let t: UrlSigningApp;
  afterEach(() => t?.app.close());
  const host = () => `127.0.0.1:${t.port}`;

  describe.each(FORM_POSTERS)('$provider form posts', ({ provider, header }) => {
    const secret = SECRETS[provider];
    const path = `/forms/${provider}`;
    // The vendors' scheme for a JSON body: the URL, with bodySHA256 in its query, signed alone.
    // The signature comes from twilio-node, the vendor's own SDK (SignalWire's cXML scheme is the same algorithm).
    const signUrl = (url: string) => ({ [header]: getExpectedTwilioSignature(secret, url, {}) });
    const BODY = '{"CallSid":"CA1","tenant":"acme","amount":100}';
    const FORGED = '{"CallSid":"CA1","tenant":"victim","amount":100000}';

    beforeEach(async () => {
      t = await startUrlSigningApp(adapter);
    });

    it('accepts the genuine JSON delivery signed with bodySHA256: 200', async () => {
      const url = `http://${host()}${path}?bodySHA256=${sha256Hex(BODY)}`;
      expect((await send(t.port, `${path}?bodySHA256=${sha256Hex(BODY)}`, { ...JSON_TYPE, ...signUrl(url) }, BODY)).status).toBe(200);
      expect(t.log.deliveries.map((d) => d.rawBody)).toEqual([BODY]);
    });

    it('rejects a forged body whose hash sits in the path, with the signed query moved into the Host header', async () => {
      const hash = sha256Hex(BODY);
      const headers = { ...JSON_TYPE, ...signUrl(`http://${host()}${path}?bodySHA256=${hash}`) };
      const res = await send(
        t.port,
        `${path}?&bodySHA256=${sha256Hex(FORGED)}`,
        { ...headers, host: `${host()}${path}?bodySHA\t256=${hash}${PADDING}` },
        FORGED,
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(t.log.deliveries).toEqual([]);
    });

    it('rejects a changed query parameter (tenant=acme to tenant=victim) with the signed query in the Host header', async () => {
      const query = `tenant=acme&bodySHA256=${sha256Hex(BODY)}`;
      const headers = { ...JSON_TYPE, ...signUrl(`http://${host()}${path}?${query}`) };
      const res = await send(t.port, `${path}?tenant=victim`, { ...headers, host: `${host()}${path}?${query}${PADDING}` }, BODY);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(t.log.deliveries).toEqual([]);
    });

    it('rejects a delivery moved to another route of the same provider with the signed URL in the Host header', async () => {
      const query = `bodySHA256=${sha256Hex(BODY)}`;
      const headers = { ...JSON_TYPE, ...signUrl(`http://${host()}${path}?${query}`) };
      const res = await send(t.port, `${path}-other?x=1`, { ...headers, host: `${host()}${path}?${query}${PADDING}` }, BODY);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(t.log.deliveries).toEqual([]);
    });
  });

  describe('the Host header', () => {
    const BODY = 'CallSid=CA1&From=%2B14158675309';
    const path = '/forms/twilio?tenant=acme';

    beforeEach(async () => {
      t = await startUrlSigningApp(adapter);
    });

    it.each([
      ['a path', (h: string) => `${h}/forms/twilio`],
      ['a query', (h: string) => `${h}?tenant=acme`],
      ['an ampersand', (h: string) => `${h}&x`],
      ['a tab', (h: string) => `127.0.0.1\t:${h.split(':')[1]}`],
      ['a space', () => '127.0.0.1 x'],
      ['credentials', (h: string) => `user@${h}`],
      ['a port that is not digits', (h: string) => `${h}x`],
      ['an unclosed IPv6 literal', (h: string) => `[::1:${h.split(':')[1]}`],
      ['a hash', (h: string) => `${h}#x`],
      ['a port with a leading zero', () => '127.0.0.1:0080'],
      ['a port over 65535', () => '127.0.0.1:99999'],
      ['port 0', () => '127.0.0.1:0'],
    ])('answers 400 to a Host with %s on a route whose scheme signs the URL, before verification', async (_name, hostOf) => {
      const value = hostOf(host());
      const headers = { ...FORM_TYPE, ...signWebhook('twilio', { secret: SECRETS.twilio, body: BODY, url: `http://${value}${path}` }) };
      expect((await send(t.port, path, { ...headers, host: value }, BODY)).status).toBe(400);
      expect(t.log.deliveries).toEqual([]);
    });

    it.each([
      ['an IPv4 address and port', (port: number) => `127.0.0.1:${port}`],
      ['a name without a port', () => 'hooks.example.com'],
      ['an IPv6 literal and port', (port: number) => `[::1]:${port}`],
    ])('accepts a Host that is %s, signed as such: 200', async (_name, hostOf) => {
      const value = hostOf(t.port);
      const url = `http://${value}${path}`;
      // twilio-node's own signer, over the form parameters.
      const headers = { ...FORM_TYPE, 'x-twilio-signature': getExpectedTwilioSignature(SECRETS.twilio, url, { CallSid: 'CA1', From: '+14158675309' }) };
      expect((await send(t.port, path, { ...headers, host: value }, BODY)).status).toBe(200);
      expect(t.log.deliveries.map((d) => d.query)).toEqual([{ tenant: 'acme' }]);
    });

    it('is not read on a route whose scheme signs only the body (Fullup): 200 whatever it holds', async () => {
      const body = '{"id":"evt_1"}';
      const headers = { ...JSON_TYPE, ...signWebhook('fullup', { secret: SECRETS.fullup, body }) };
      expect((await send(t.port, '/forms/fullup', { ...headers, host: `${host()}/x?y` }, body)).status).toBe(200);
    });
  });

  describe('the startup warning', () => {
    const warnings = () => t.logger.lines.filter((line) => line.level === 'warn' && line.message.includes('publicBaseUrl'));

    it('names, once, the providers that sign the URL when no publicBaseUrl is set', async () => {
      t = await startUrlSigningApp(adapter);
      expect(warnings().map((line) => line.message)).toEqual([expect.stringContaining("Webhook providers 'twilio', 'signalwire' sign the URL")]);
    });

    it('is not logged with publicBaseUrl set', async () => {
      t = await startUrlSigningApp(adapter, { publicBaseUrl: 'https://hooks.example.com' });
      expect(warnings()).toEqual([]);
    });

    const replayWarnings = () => t.logger.lines.filter((line) => line.level === 'warn' && line.message.includes('replay'));

    it('names, once, the providers that sign the URL and have replay protection off', async () => {
      t = await startUrlSigningApp(adapter);
      expect(replayWarnings().map((line) => line.message)).toEqual([expect.stringContaining("Webhook providers 'twilio', 'signalwire' sign the URL")]);
    });

    it('says nothing of replay with replay protection on', async () => {
      t = await startUrlSigningApp(adapter, { replay: {} });
      expect(replayWarnings()).toEqual([]);
    });
  });

  describe('with publicBaseUrl', () => {
    const BASE = 'https://hooks.example.com';
    const BODY = 'CallSid=CA1&From=%2B14158675309';
    const PARAMS = { CallSid: 'CA1', From: '+14158675309' };
    const signature = (query: string) => ({ 'x-twilio-signature': getExpectedTwilioSignature(SECRETS.twilio, `${BASE}/forms/twilio?${query}`, PARAMS) });

    beforeEach(async () => {
      t = await startUrlSigningApp(adapter, { publicBaseUrl: BASE });
    });

    it('accepts the genuine form post: 200', async () => {
      expect((await send(t.port, '/forms/twilio?tenant=acme', { ...FORM_TYPE, ...signature('tenant=acme') }, BODY)).status).toBe(200);
      expect(t.log.deliveries.map((d) => d.query)).toEqual([{ tenant: 'acme' }]);
    });

    it('rejects a query padded with 1000 empty pairs and an unsigned parameter after them: 401', async () => {
      const res = await send(t.port, `/forms/twilio?tenant=acme${PADDING}tenant=victim`, { ...FORM_TYPE, ...signature('tenant=acme') }, BODY);
      expect(res.status).toBe(401);
      expect(t.log.deliveries).toEqual([]);
    });

    it('rejects a query padded with 1000 empty pairs: 401', async () => {
      const res = await send(t.port, `/forms/twilio?tenant=acme${PADDING}`, { ...FORM_TYPE, ...signature('tenant=acme') }, BODY);
      expect(res.status).toBe(401);
      expect(t.log.deliveries).toEqual([]);
    });
  });

  describe('a SignalWire JSON delivery re-sent with its SHA-1 signature in base64', () => {
    const path = '/forms/signalwire';
    const BODY = '{"id":"c-42","status":"ended"}';
    const asBase64 = (headers: Record<string, string>) => ({
      'x-signalwire-signature': Buffer.from(headers['x-signalwire-signature']!, 'hex').toString('base64'),
    });
    /** The JSON scheme, signed as SignalWire's SDK checks it: hex HMAC-SHA1 of url + body (@signalwire/web-api validateRequest). */
    const signJson = (body: string) => ({
      'x-signalwire-signature': createHmac('sha1', SECRETS.signalwire).update(`http://${host()}${path}${body}`).digest('hex'),
    });

    it('is not run twice with replay on: the JSON body never verifies as a form, whatever the content type', async () => {
      t = await startUrlSigningApp(adapter, { replay: {} });
      const headers = signJson(BODY);
      expect((await send(t.port, path, { ...JSON_TYPE, ...headers }, BODY)).status).toBe(200);
      expect((await send(t.port, path, { ...JSON_TYPE, ...asBase64(headers) }, BODY)).status).toBe(401);
      expect((await send(t.port, path, { ...FORM_TYPE, ...asBase64(headers) }, BODY)).status).toBe(401);
      expect(t.log.deliveries.map((d) => d.rawBody)).toEqual([BODY]);
    });

    it.each([
      ['a percent-encoded letter', '{"id":"%63-42","status":"ended"}'],
      ['an equals sign inside a value', '{"id":"c-42","status":"e=nded"}'],
    ])('rejects, with replay off, the JSON body changed by %s: 401', async (_name, tampered) => {
      t = await startUrlSigningApp(adapter);
      const res = await send(t.port, path, { ...JSON_TYPE, ...asBase64(signJson(BODY)) }, tampered);
      expect(res.status).toBe(401);
      expect(t.log.deliveries).toEqual([]);
    });
  });

  describe('a secret function that looks the tenant up in a plain object', () => {
    beforeEach(async () => {
      t = await startUrlSigningApp(adapter);
    });

    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('answers 401, not 500, for the tenant %s', async (tenant) => {
      const body = '{"id":"evt_1"}';
      const headers = { ...JSON_TYPE, ...signWebhook('fullup', { secret: 'anything', body }) };
      const res = await send(t.port, `/tenants/${tenant}/fullup`, headers, body);
      expect(res.status).toBe(401);
      expect(t.log.deliveries).toEqual([]);
      expect(t.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    });

    it('accepts the known tenant: 200', async () => {
      const body = '{"id":"evt_1"}';
      const headers = { ...JSON_TYPE, ...signWebhook('fullup', { secret: 'acme-tenant-secret', body }) };
      expect((await send(t.port, '/tenants/acme/fullup', headers, body)).status).toBe(200);
    });
  });
});

describe('Express behind a proxy that terminates TLS', () => {
  let t: UrlSigningApp;
  afterEach(() => t?.app.close());
  const BODY = 'CallSid=CA1&From=%2B14158675309';
  /** A Twilio form post signed for the https URL, received over plain HTTP as a proxy forwards it. */
  const forwarded = () => ({
    ...FORM_TYPE,
    'x-forwarded-proto': 'https',
    ...signWebhook('twilio', { secret: SECRETS.twilio, body: BODY, url: `https://127.0.0.1:${t.port}/forms/twilio` }),
  });

  it("verifies the https URL that X-Forwarded-Proto names when the app sets 'trust proxy': 200", async () => {
    t = await startUrlSigningApp('express');
    (t.app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): unknown }).set('trust proxy', true);
    expect((await send(t.port, '/forms/twilio', forwarded(), BODY)).status).toBe(200);
    expect(t.log.deliveries.map((d) => d.rawBody)).toEqual([BODY]);
  });

  it("ignores X-Forwarded-Proto without 'trust proxy': the URL is http, 401", async () => {
    t = await startUrlSigningApp('express');
    expect((await send(t.port, '/forms/twilio', forwarded(), BODY)).status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });
});

describe('Express with a middleware that rewrites the path before routing', () => {
  let t: UrlSigningApp;
  afterEach(() => t?.app.close());
  const BODY = 'CallSid=CA1&From=%2B14158675309';

  it('verifies the URL the sender posted to, not the rewritten one: 200', async () => {
    // As an app mounted under /api behind a proxy that forwards the full path.
    t = await startUrlSigningApp('express', {}, (app) =>
      app.use((request: { url: string }, _response: unknown, next: () => void) => {
        if (request.url.startsWith('/api/')) request.url = request.url.slice('/api'.length);
        next();
      }),
    );
    const headers = { ...FORM_TYPE, ...signWebhook('twilio', { secret: SECRETS.twilio, body: BODY, url: `http://127.0.0.1:${t.port}/api/forms/twilio?x=1` }) };
    expect((await send(t.port, '/api/forms/twilio?x=1', headers, BODY)).status).toBe(200);
    expect(t.log.deliveries.map((d) => [d.route, d.rawBody])).toEqual([['twilio', BODY]]);
  });
});
