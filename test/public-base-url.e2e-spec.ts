import { createHmac } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { URL_SIGNING_SECRETS as SECRETS, startUrlSigningApp } from './app/url-signing-app.js';
import { send } from './support/raw-http.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

// `new URL()` drops whitespace around a URL and tabs and newlines within it,
// so a public base URL read from a file or a `.env` line with its newline
// passed the check; prefixed as given, it then made every URL SignalWire
// signs for JSON unmatchable (Twilio's form posts happened to verify through
// a normalised URL variant). It must fail at startup, like a padded secret.
describe('A publicBaseUrl holding whitespace fails at startup', () => {
  it.each([
    ['a trailing newline', 'https://hooks.example.com\n'],
    ['a trailing CRLF', 'https://hooks.example.com/\r\n'],
    ['a leading space', ' https://hooks.example.com'],
    ['a tab within it', 'https://hooks.exam\tple.com'],
  ])('rejects %s, naming the provider and the option', async (_name, publicBaseUrl) => {
    const started = startUrlSigningApp('express', { publicBaseUrl }).then((t) => t.app.close());
    await expect(started).rejects.toThrow(/'twilio': publicBaseUrl must be/);
  });

  it('verifies, with one given without whitespace, the URLs Twilio and SignalWire signed: 200', async () => {
    const t = await startUrlSigningApp('express', { publicBaseUrl: 'https://hooks.example.com' });
    try {
      // The signature from twilio-node (the vendor's SDK), over the public URL and the form Twilio sends.
      const signature = getExpectedTwilioSignature(SECRETS.twilio, 'https://hooks.example.com/forms/twilio', { To: '+1555', Body: 'hi' });
      expect((await send(t.port, '/forms/twilio', { ...FORM, 'x-twilio-signature': signature }, 'To=%2B1555&Body=hi')).status).toBe(200);
      // SignalWire's JSON scheme, signed as its SDK checks it: hex HMAC-SHA1 of url + body (@signalwire/web-api validateRequest).
      const body = '{"call_id":"c-1"}';
      const json = createHmac('sha1', SECRETS.signalwire).update(`https://hooks.example.com/forms/signalwire${body}`).digest('hex');
      const headers = { 'content-type': 'application/json', 'x-signalwire-signature': json };
      expect((await send(t.port, '/forms/signalwire', headers, body)).status).toBe(200);
      expect(t.log.deliveries.map((d) => d.body)).toEqual([{ To: '+1555', Body: 'hi' }, { call_id: 'c-1' }]);
    } finally {
      await t.app.close();
    }
  });
});
