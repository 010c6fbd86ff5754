import { createHash, createHmac } from 'node:crypto';
import { parse } from 'node:querystring';
import { RestClient } from '@signalwire/compatibility-api';
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks.js';
import { webhookRequest } from '../../test/support/webhook-request.js';
import { FormPostVerifier, MAX_FORM_BYTES, MAX_FORM_PARAMETERS } from './form-post.verifier.js';

const TOKEN = 'form-post-token';
const URL = 'https://example.com/sms?tenant=a';
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const HEADER = 'x-twilio-signature';

/** A signature over `url` followed by `content`, for content no SDK would sign. */
const signatureOver = (url: string, content: string | Buffer) => createHmac('sha1', TOKEN).update(url).update(content).digest('base64');
const idOf = (...parts: string[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `signed:${hash.digest('base64url')}`;
};

describe('FormPostVerifier', () => {
  const verifier = new FormPostVerifier(HEADER);
  const verify = (body: string | Buffer, signature: string, url = URL, headers: Record<string, string | string[]> = FORM_TYPE) =>
    verifier.verify(webhookRequest(body, { ...headers, [HEADER]: signature }, url), [TOKEN]);

  it('reads a form whose Content-Type has parameters or capitals, and no other type', () => {
    // Signature from twilio-node (the vendor's SDK).
    const signature = getExpectedTwilioSignature(TOKEN, URL, { To: '+1555', Body: 'hi' });
    for (const type of [
      'application/x-www-form-urlencoded; charset=utf-8',
      'Application/X-WWW-Form-Urlencoded',
      'application/x-www-form-urlencoded ;charset=utf-8',
    ]) {
      expect(verify('To=%2B1555&Body=hi', signature, URL, { 'content-type': type })).toEqual({ verified: true });
    }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded-x', '']) {
      expect(verify('To=%2B1555&Body=hi', signature, URL, { 'content-type': type })).toEqual({ verified: false, reason: 'no_matching_signature' });
    }
    expect(verify('To=%2B1555&Body=hi', signature, URL, { 'content-type': [FORM_TYPE['content-type'], 'text/plain'] })).toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
  });

  it("decodes '+' as a space in a name or value with no percent-escape, and leaves plain text as sent", () => {
    // Signatures from twilio-node (the vendor's SDK), over the decoded parameters.
    const signature = getExpectedTwilioSignature(TOKEN, URL, { AccountSid: 'AC1', 'Body Text': 'hello world', To: '+1555' });
    expect(verify('AccountSid=AC1&Body+Text=hello+world&To=%2B1555', signature)).toEqual({ verified: true });
    expect(verify('AccountSid=AC1&Body%20Text=hello%20world&To=%2B1555', signature)).toEqual({ verified: true });
    expect(verify('AccountSid=AC1%2B&Body+Text=hello+world&To=%2B1555', signature)).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('reads an empty body as the empty form, whatever its Content-Type', () => {
    const signature = getExpectedTwilioSignature(TOKEN, URL, {});
    expect(verify('', signature, URL, {})).toEqual({ verified: true });
    expect(verify('', signature, URL, { 'content-type': 'application/json' })).toEqual({ verified: true });
  });

  it('skips empty pairs and reads a name without "=" as an empty value, as twilio-node signs them', () => {
    const signature = getExpectedTwilioSignature(TOKEN, URL, { To: '1', Flag: '', From: '2' });
    expect(verify('To=1&&Flag&From=2&', signature)).toEqual({ verified: true });
  });

  it(`reads a form of up to MAX_FORM_BYTES (${MAX_FORM_BYTES}) bytes and MAX_FORM_PARAMETERS (${MAX_FORM_PARAMETERS}) parameters, and no more`, () => {
    const fits = `To=${'x'.repeat(MAX_FORM_BYTES - 3)}`;
    expect(verify(fits, getExpectedTwilioSignature(TOKEN, URL, { To: fits.slice(3) }))).toEqual({ verified: true });
    expect(verify(`${fits}x`, getExpectedTwilioSignature(TOKEN, URL, { To: `${fits.slice(3)}x` }))).toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
    const params = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, String(i)]));
    const form = (count: number) => new URLSearchParams(params(count)).toString();
    expect(verify(form(MAX_FORM_PARAMETERS), getExpectedTwilioSignature(TOKEN, URL, params(MAX_FORM_PARAMETERS)))).toEqual({ verified: true });
    expect(verify(form(MAX_FORM_PARAMETERS + 1), getExpectedTwilioSignature(TOKEN, URL, params(MAX_FORM_PARAMETERS + 1)))).toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
  });

  it(`reads a URL query of up to MAX_FORM_PARAMETERS (${MAX_FORM_PARAMETERS}) parameters, and no more`, () => {
    const url = (count: number) => `https://example.com/sms?${Array.from({ length: count }, (_, i) => `q${i}=${i}`).join('&')}`;
    expect(verify('To=1', getExpectedTwilioSignature(TOKEN, url(MAX_FORM_PARAMETERS), { To: '1' }), url(MAX_FORM_PARAMETERS))).toEqual({ verified: true });
    const over = url(MAX_FORM_PARAMETERS + 1);
    expect(verify('To=1', getExpectedTwilioSignature(TOKEN, over, { To: '1' }), over)).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it("counts only the query's pairs: an '&' in the path or the fragment does not count", () => {
    for (const url of [`https://example.com/${'&'.repeat(MAX_FORM_PARAMETERS)}x`, `https://example.com/sms?q=1#${'&'.repeat(MAX_FORM_PARAMETERS)}`]) {
      expect(verify('To=1', getExpectedTwilioSignature(TOKEN, url, { To: '1' }), url)).toEqual({ verified: true });
    }
    const fits = `https://example.com/sms&?${Array.from({ length: MAX_FORM_PARAMETERS }, () => 'q').join('&')}`;
    expect(verify('To=1', getExpectedTwilioSignature(TOKEN, fits, { To: '1' }), fits)).toEqual({ verified: true });
    for (const over of [
      `https://example.com/sms?${Array.from({ length: MAX_FORM_PARAMETERS + 1 }, () => 'q').join('&')}`,
      `https://example.com/sms?${'q&'.repeat(MAX_FORM_PARAMETERS)}`,
    ]) {
      expect(verify('To=1', getExpectedTwilioSignature(TOKEN, over, { To: '1' }), over)).toEqual({ verified: false, reason: 'no_matching_signature' });
    }
  });

  it('reads bodySHA256 from the query only, never from the path', () => {
    const body = '{"a":1}';
    const url = `https://example.com/hooks&bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    expect(verify(body, getExpectedTwilioSignature(TOKEN, url, {}), url, { 'content-type': 'application/json' })).toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
  });

  it('signs the URL alone for a URL with bodySHA256, whatever the body', () => {
    const url = `${URL}&bodySHA256=${createHash('sha256').update('To=1').digest('hex')}`;
    expect(verifier.sign({ secret: TOKEN, body: 'To=1', url })).toEqual({ [HEADER]: getExpectedTwilioSignature(TOKEN, url, {}) });
  });

  it('signs the URL alone for a body that is not a form', () => {
    expect(verifier.sign({ secret: TOKEN, body: '{"a":1}', url: URL })).toEqual({ [HEADER]: getExpectedTwilioSignature(TOKEN, URL, {}) });
  });

  it('rejects a pair sent twice even when the signature covers it twice', () => {
    expect(verify('To=1&To=1', signatureOver(URL, 'To1To1'))).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('tries an IPv6 host with its port removed and with the default port, as twilio-node does', () => {
    const signature = getExpectedTwilioSignature(TOKEN, 'https://[::1]/sms', { To: '1' });
    expect(validateRequest(TOKEN, signature, 'https://[::1]:8443/sms', { To: '1' })).toBe(true);
    expect(verify('To=1', signature, 'https://[::1]:8443/sms')).toEqual({ verified: true });
    expect(verify('To=1', getExpectedTwilioSignature(TOKEN, 'https://[::1]:443/sms', { To: '1' }), 'https://[::1]/sms')).toEqual({ verified: true });
  });

  it('rejects, never throws on, a URL that is not scheme://host/path', () => {
    const signature = getExpectedTwilioSignature(TOKEN, URL, { To: '1' });
    for (const url of ['urn:example:sms', 'https://a:b:c/sms', 'sms'])
      expect(verify('To=1', signature, url)).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('accepts a signature header with spaces around it', () => {
    const signature = getExpectedTwilioSignature(TOKEN, URL, { To: '1' });
    expect(verify('To=1', ` ${signature} `)).toEqual({ verified: true });
  });

  it('never verifies a body that is not UTF-8 or holds an escape that does not decode, whatever reading was signed', () => {
    const invalid = Buffer.concat([Buffer.from('To=1&From='), Buffer.from([0xff])]);
    for (const reading of ['From\ufffdTo1', 'From\u00ffTo1', 'FromTo1', 'From'])
      expect(verify(invalid, signatureOver(URL, reading))).toMatchObject({ verified: false });
    for (const [body, readings] of [
      ['To=1&From=%E0%A4', ['From\ufffdTo1', 'From%E0%A4To1', 'FromundefinedTo1', 'FromTo1']],
      ['To=1&%E0%A4=2', ['\ufffd2To1', '%E0%A42To1', 'To1undefined2', 'To1']],
    ] as const) {
      for (const reading of readings) expect(verify(body, signatureOver(URL, reading))).toMatchObject({ verified: false });
    }
  });

  it('rejects a form whose first name in signed order is not a plain name', () => {
    for (const [body, reading] of [
      ['-b=1', '-b1'],
      ['a-b=1', 'a-b1'],
      ['To=1&%2Fx=2', '/x2To1'],
    ] as const) {
      expect(verify(body, signatureOver(URL, reading))).toEqual({ verified: false, reason: 'no_matching_signature' });
    }
  });

  it('never tries a URL whose normalisation changes the path', () => {
    for (const [received, normalised] of [
      ['https://example.com/a/../sms', 'https://example.com/sms'],
      ['https://example.com/a/./sms', 'https://example.com/a/sms'],
      ['https://example.com/sms\\', 'https://example.com/sms/'],
    ] as const) {
      const signature = getExpectedTwilioSignature(TOKEN, normalised, { To: '1' });
      expect(verify('To=1', signature, received)).toEqual({ verified: false, reason: 'no_matching_signature' });
    }
  });

  it('never re-encodes a query whose escapes do not decode to UTF-8', () => {
    // node:querystring would read %E0%A4 as U+FFFD; the app's parser keeps it as written.
    const signature = getExpectedTwilioSignature(TOKEN, 'https://example.com/sms?q=%EF%BF%BD', { To: '1' });
    expect(verify('To=1', signature, 'https://example.com/sms?q=%E0%A4')).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('needs the URL to sign, and says so', () => {
    expect(() => verifier.sign({ secret: TOKEN, body: 'To=1' })).toThrow(
      `The '${HEADER}' scheme signs the URL: pass the full URL the request goes to as \`url\`.`,
    );
  });

  describe('deliveryId', () => {
    it('is the URL as signed and the form content verified, not the URL and form as received', () => {
      const signature = getExpectedTwilioSignature(TOKEN, "https://example.com/sms?q='x'", { To: '1', From: '2' });
      const request = webhookRequest('To=1&From=2', { ...FORM_TYPE, [HEADER]: signature }, 'https://example.com:443/sms?q=%27x%27');
      expect(verifier.verify(request, [TOKEN])).toEqual({ verified: true });
      expect(verifier.deliveryId(request)).toBe(idOf("https://example.com/sms?q='x'", 'From2To1'));
    });

    it('is, for a request it did not verify, the URL as received and the form in wire order, or the URL alone with bodySHA256', () => {
      expect(verifier.deliveryId(webhookRequest('To=1&To=0&From=2', FORM_TYPE, URL))).toBe(idOf(URL, 'From2To1To0'));
      expect(verifier.deliveryId(webhookRequest('{"a":1}', { 'content-type': 'application/json' }, URL))).toBe(idOf(URL, ''));
      const hashUrl = `${URL}&bodySHA256=${'0'.repeat(64)}`;
      expect(verifier.deliveryId(webhookRequest('To=1', FORM_TYPE, hashUrl))).toBe(idOf(hashUrl, ''));
    });
  });
});

describe('FormPostVerifier against the vendor SDKs', () => {
  // twilio-node signs a repeated key's values de-duplicated and sorted; SignalWire's
  // compatibility SDK signs them in the order the app's parser gives (wire order).
  // That signature is written out here from the SDK's algorithm, and the SDK judges it.
  const wireOrderSignature = (params: Record<string, string | string[]>) =>
    createHmac('sha1', TOKEN)
      .update(
        Object.keys(params)
          .sort()
          .reduce(
            (text, key) =>
              text +
              [params[key]!]
                .flat()
                .map((value) => key + value)
                .join(''),
            URL,
          ),
      )
      .digest('base64');
  // node:querystring's arrays come from another realm than the SDKs' under Jest, where `instanceof Array` fails: copied here.
  const parsed = (body: string) => Object.fromEntries(Object.entries(parse(body)).map(([key, value]) => [key, Array.isArray(value) ? [...value] : value!]));
  const verifier = new FormPostVerifier(HEADER);
  const verify = (body: string, signature: string) => verifier.verify(webhookRequest(body, { ...FORM_TYPE, [HEADER]: signature }, URL), [TOKEN]);

  it.each([
    ['a repeated key in wire order', 'To=1&Media=a&Media=b&Media=c'],
    ['a repeated key out of order', 'To=1&Media=c&Media=a&Media=b'],
    ['a repeated key whose orders join to the same text', 'a=a&a='],
    ["'+' and '%2B'", 'To=%2B1555&Body=a+b%2Bc&Body2=+'],
    ['empty values and a name without "="', 'To=&Flag&From=2&Empty='],
    ['unicode names and values, raw and escaped', 'Body=%C3%A9t%C3%A9&Emoji=%F0%9F%98%80&Raw=été&Z%C3%A9=1'],
    ['values that sort differently by code unit than by code point', 'Body=%EF%BD%A1&Body=%F0%9F%98%80'],
    ['escaped separators', 'Body=a%26b%3Dc&To=%25'],
  ])('accepts what both SDKs sign for %s, as node:querystring reads it', (_name, body) => {
    const params = parsed(body);
    const twilio = getExpectedTwilioSignature(TOKEN, URL, params);
    const wire = wireOrderSignature(params);
    expect(validateRequest(TOKEN, twilio, URL, params)).toBe(true);
    expect(RestClient.validateRequest(TOKEN, wire, URL, params, true)).toBe(true);
    expect(verify(body, twilio)).toEqual({ verified: true });
    expect(verify(body, wire)).toEqual({ verified: true });
  });

  it('rejects a value changed between the signature and the request, whichever SDK signed', () => {
    const body = 'To=1&Media=c&Media=a';
    const changed = parsed('To=1&Media=c&Media=b');
    expect(verify(body, getExpectedTwilioSignature(TOKEN, URL, changed))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(body, wireOrderSignature(changed))).toEqual({ verified: false, reason: 'no_matching_signature' });
  });
});
