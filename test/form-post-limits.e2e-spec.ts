import { cryptoCalls } from './support/crypto-calls.js';
import { send } from './support/raw-http.js';

// After crypto-calls, so the library links to the counting node:crypto.
const { ADAPTERS } = await import('./app/create-app.js');
const { startUrlSigningApp, URL_SIGNING_SECRETS: SECRETS } = await import('./app/url-signing-app.js');
const { signWebhook } = await import('../src/testing/index.js');
const { MAX_FORM_BYTES, MAX_FORM_PARAMETERS } = await import('../src/index.js');

/*
 * The work an unsigned request can cause on a form-post route: a body that is
 * not a form, or a form of too many parameters, is rejected before any
 * parameter is sorted or any HMAC computed.
 */
const FORGED_SIGNATURE = { 'x-twilio-signature': `${'A'.repeat(27)}=` };
const params = (count: number) => Array.from({ length: count }, (_, i) => `p${i}=${i}`).join('&');

describe.each(ADAPTERS)('Form-post limits on %s', (adapter) => {
  let t: Awaited<ReturnType<typeof startUrlSigningApp>>;
  beforeAll(async () => {
    t = await startUrlSigningApp(adapter);
  });
  afterAll(() => t.app.close());
  beforeEach(() => cryptoCalls.reset());

  const url = (path: string) => `http://127.0.0.1:${t.port}${path}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it(`accepts a signed form of exactly MAX_FORM_PARAMETERS (${MAX_FORM_PARAMETERS}) parameters: 200`, async () => {
    const body = params(MAX_FORM_PARAMETERS);
    const headers = { ...form, ...signWebhook('twilio', { secret: SECRETS.twilio, body, url: url('/forms/twilio') }) };
    expect((await send(t.port, '/forms/twilio', headers, body)).status).toBe(200);
  });

  it('rejects a form of one parameter more before computing any HMAC', async () => {
    const body = params(MAX_FORM_PARAMETERS + 1);
    const headers = { ...form, ...signWebhook('twilio', { secret: SECRETS.twilio, body, url: url('/forms/twilio') }) };
    cryptoCalls.reset();
    const { status } = await send(t.port, '/forms/twilio', headers, body);
    // Express's form parser stops at the same count (413) before the guard; Fastify's leaves it to the guard (401).
    expect([401, 413]).toContain(status);
    expect(cryptoCalls.hmacs).toBe(0);
    expect(t.log.deliveries.filter((d) => d.route === 'twilio')).toHaveLength(1);
  });

  it('rejects a form of more than MAX_FORM_BYTES bytes before computing any HMAC', async () => {
    const body = `To=${'x'.repeat(MAX_FORM_BYTES)}`;
    const headers = { ...form, ...signWebhook('twilio', { secret: SECRETS.twilio, body, url: url('/forms/twilio') }) };
    cryptoCalls.reset();
    const { status } = await send(t.port, '/forms/twilio', headers, body);
    // Express's form parser stops at its own 100 kB limit (413) before the guard; Fastify's 1 MiB leaves it to the guard (401).
    expect([401, 413]).toContain(status);
    expect(cryptoCalls.hmacs).toBe(0);
  });

  it('computes at most 8 HMACs per secret for a forged form with a repeated name out of order and a URL of 4 spellings', async () => {
    const path = "/forms/twilio?q='";
    cryptoCalls.reset();
    expect((await send(t.port, path, { ...form, ...FORGED_SIGNATURE }, 'a=2&a=1')).status).toBe(401);
    expect(cryptoCalls.hmacs).toBeLessThanOrEqual(8);
  });

  it('rejects a query of more than MAX_FORM_PARAMETERS pairs before computing any HMAC: 401', async () => {
    const path = `/forms/twilio?${'&'.repeat(MAX_FORM_PARAMETERS)}`;
    const headers = { ...form, ...signWebhook('twilio', { secret: SECRETS.twilio, body: 'To=1', url: url(path) }) };
    cryptoCalls.reset();
    expect((await send(t.port, path, headers, 'To=1')).status).toBe(401);
    expect(cryptoCalls.hmacs).toBe(0);
  });
});

describe('Form-post limits on express, for a body that is not a form', () => {
  let t: Awaited<ReturnType<typeof startUrlSigningApp>>;
  beforeAll(async () => {
    t = await startUrlSigningApp('express');
  });
  afterAll(() => t.app.close());

  it('rejects a forged text/plain body of 150k parameters without reading it as a form: 401, no HMAC', async () => {
    const body = 'a=1&'.repeat(150_000);
    cryptoCalls.reset();
    const res = await send(t.port, '/forms/twilio', { 'content-type': 'text/plain', ...FORGED_SIGNATURE }, body);
    expect(res.status).toBe(401);
    expect(cryptoCalls.hmacs).toBe(0);
    expect(t.log.deliveries).toEqual([]);
  });
});
