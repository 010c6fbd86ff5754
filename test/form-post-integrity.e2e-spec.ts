import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { ADAPTERS } from './app/create-app.js';
import { URL_SIGNING_SECRETS as SECRETS, startUrlSigningApp, type UrlSigningApp } from './app/url-signing-app.js';
import { rawExchange, send } from './support/raw-http.js';

/*
 * What a handler of a form-post scheme is given must be what was signed: a
 * repeated pair or a request target the app reads differently from the URL
 * that verified never reaches it.
 */
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
// Signatures from twilio-node (the vendor's SDK), over what Twilio would have sent.
const twilioSignature = (url: string, params: Record<string, string | string[]>) => getExpectedTwilioSignature(SECRETS.twilio, url, params);

describe.each(ADAPTERS)('Form posts the app would read differently from what was signed, on %s', (adapter) => {
  let t: UrlSigningApp;
  beforeEach(async () => {
    t = await startUrlSigningApp(adapter);
  });
  afterEach(() => t?.app.close());
  const url = (target: string) => `http://127.0.0.1:${t.port}${target}`;

  it('rejects a signed pair sent twice, which the handler would get as an array: 401', async () => {
    const signature = twilioSignature(url('/forms/twilio'), { To: '+1555', Body: 'hi' });
    const res = await send(t.port, '/forms/twilio', { ...FORM, 'x-twilio-signature': signature }, 'To=%2B1555&To=%2B1555&Body=hi');
    expect(res.status).toBe(401);
    expect(t.log.deliveries).toEqual([]);
  });

  it('accepts a repeated name whose distinct values arrive in either order: 200', async () => {
    const signature = twilioSignature(url('/forms/twilio'), { To: ['+1555', '+1666'], Body: 'hi' });
    for (const body of ['To=%2B1555&To=%2B1666&Body=hi', 'To=%2B1666&To=%2B1555&Body=hi']) {
      expect((await send(t.port, '/forms/twilio', { ...FORM, 'x-twilio-signature': signature }, body)).status).toBe(200);
    }
    expect(t.log.deliveries.map((d) => d.body)).toEqual([
      { To: ['+1555', '+1666'], Body: 'hi' },
      { To: ['+1666', '+1555'], Body: 'hi' },
    ]);
  });

  it('answers 400 to a request target holding "#", which the app would cut where the signed URL does not', async () => {
    const signature = twilioSignature(url('/forms/twilio?note=a%23b&tenant=acme'), {});
    const head = `POST /forms/twilio?note=a#b&tenant=acme HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nX-Twilio-Signature: ${signature}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
    const reply = await rawExchange(t.port, head);
    expect(reply.slice(9, 12)).toBe('400');
    expect(t.log.deliveries).toEqual([]);
  });
});
