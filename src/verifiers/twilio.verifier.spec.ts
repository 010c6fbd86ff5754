import { createHash } from 'node:crypto';
import { getExpectedTwilioSignature, validateRequest, validateRequestWithBody } from 'twilio/lib/webhooks/webhooks.js';
import { JUNK_HEADER_VALUES, webhookRequest } from '../../test/support/webhook-request.js';
import { TwilioVerifier } from './twilio.verifier.js';

// Twilio's published vector ("Webhooks security" page).
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
const SIGNATURE = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

// The vectors of twilio-node's spec/validation.spec.js, over these parameters.
const SPEC_PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
const SPEC_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
const JSON_BODY = '{"property": "value", "boolean": true}';
const JSON_BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';

const FORM_TYPE = { 'Content-Type': 'application/x-www-form-urlencoded' };

type Params = Record<string, string | string[]>;
const form = (params: Params): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) search.append(key, v);
  return search.toString();
};

describe('TwilioVerifier', () => {
  const verifier = new TwilioVerifier();
  const verify = (body: string, signature: string | string[] | undefined, url: string, secrets = [TOKEN]) =>
    verifier.verify(webhookRequest(body, { ...FORM_TYPE, ...(signature === undefined ? {} : { 'X-Twilio-Signature': signature }) }, url), secrets);

  /** Both twilio-node and this verifier must accept the form post. */
  const expectBothAccept = (signature: string, url: string, params: Params) => {
    expect(validateRequest(TOKEN, signature, url, params)).toBe(true);
    expect(verify(form(params), signature, url)).toEqual({ verified: true });
  };

  it("accepts Twilio's published vector, which twilio-node accepts too", () => {
    expect(getExpectedTwilioSignature(TOKEN, URL, PARAMS)).toBe(SIGNATURE);
    expectBothAccept(SIGNATURE, URL, PARAMS);
  });

  it('signs the published vector exactly', () => {
    expect(verifier.sign({ secret: TOKEN, body: form(PARAMS), url: URL })).toEqual({ 'x-twilio-signature': SIGNATURE });
  });

  it('signs what getExpectedTwilioSignature computes for spaces, plus signs, unicode and case-sorted names', () => {
    const params = { Body: 'hello world + more & 100%', b: '1', B: '2', Name: 'Zoë 北京', Empty: '' };
    const url = 'https://example.com/sms?tenant=a b';
    const ours = verifier.sign({ secret: TOKEN, body: form(params), url })['x-twilio-signature']!;
    expect(ours).toBe(getExpectedTwilioSignature(TOKEN, url, params));
    expectBothAccept(ours, url, params);
  });

  describe("the cases of twilio-node's validation spec", () => {
    it.each([
      ['https URL received with a port, signed without it', URL.replace('.com', '.com:1234'), SPEC_SIGNATURE],
      ['http URL with a port', URL.replace('.com', '.com:1234').replace('https', 'http'), 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='],
      ['https URL signed with :443', URL, 'kvajT1Ptam85bY51eRf/AJRuM3w='],
      ['http URL signed with :80', URL.replace('https', 'http'), '0ZXoZLH/DfblKGATFgpif+LLRf4='],
      ['URL with credentials', 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'CukzLTc1tT5dXEDIHm/tKBanW10='],
      ['URL with a user name only', 'https://user@mycompany.com/myapp.php?foo=1&bar=2', '2YRLlVAflCqxaNicjMpJcSTgzSs='],
      ['URL with credentials, signed with :443', 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI='],
      ['URL with special characters', `${URL}&Body=It's+amazing`, 'dsq4Ehbj6cs+KdTkpF5sSSplOWw='],
    ])('accepts a %s', (_name, url, signature) => {
      expectBothAccept(signature, url, SPEC_PARAMS);
    });

    it('accepts a repeated parameter whatever the order of its values', () => {
      for (const addresses of [
        ['+1325xxxxxxx', '+1415xxxxxxx'],
        ['+1415xxxxxxx', '+1325xxxxxxx'],
      ]) {
        expectBothAccept('83O6e2vORAoJHUNzJjDWN1jz+BA=', URL, { 'MessagingBinding.Address': addresses });
      }
      expectBothAccept('IK+Dwps556ElfBT0I3Rgjkr1wJU=', URL, { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234'] });
    });

    it("rejects the spec's repeated value, which twilio-node signs once and the app's parser would hand over twice", () => {
      const params = { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] };
      expect(validateRequest(TOKEN, 'IK+Dwps556ElfBT0I3Rgjkr1wJU=', URL, params)).toBe(true);
      expect(verify(form(params), 'IK+Dwps556ElfBT0I3Rgjkr1wJU=', URL)).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it('checks a JSON body against bodySHA256', () => {
      const cases = [
        [`${URL}&bodySHA256=${JSON_BODY_HASH}`, 'a9nBmqA0ju/hNViExpshrM61xv4=', JSON_BODY],
        [`${URL}&bodySHA256=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a`, 'Ldidvp12m26NI7eqEvxnEpkd9Hc=', '{}'],
        [`https://mycompany.com/myapp.php?bodySHA256=${JSON_BODY_HASH}`, 'y77kIzt2vzLz71DgmJGsen2scGs=', JSON_BODY],
      ] as const;
      for (const [url, signature, body] of cases) {
        expect(validateRequestWithBody(TOKEN, signature, url, body)).toBe(true);
        expect(verify(body, signature, url)).toEqual({ verified: true });
      }
      const [url, signature, body] = cases[0];
      expect(verifier.sign({ secret: TOKEN, body, url })).toEqual({ 'x-twilio-signature': signature });
    });

    it('reads bodySHA256 only as the last query parameter, written once', () => {
      for (const url of [`${URL}&bodySHA256=${JSON_BODY_HASH}&x=1`, `${URL}&bodySHA256=${JSON_BODY_HASH}&bodySHA256=${JSON_BODY_HASH}`]) {
        const signature = getExpectedTwilioSignature(TOKEN, url, {});
        expect(validateRequestWithBody(TOKEN, signature, url, JSON_BODY)).toBe(true);
        expect(verify(JSON_BODY, signature, url)).toEqual({ verified: false, reason: 'no_matching_signature' });
      }
    });

    it('rejects a body whose hash differs from bodySHA256, and a truncated bodySHA256', () => {
      const url = `${URL}&bodySHA256=${JSON_BODY_HASH}`;
      expect(verify(JSON_BODY.replace('value', 'valuE'), 'a9nBmqA0ju/hNViExpshrM61xv4=', url)).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(JSON_BODY, 'a9nBmqA0ju/hNViExpshrM61xv4=', url.slice(0, -1))).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it('rejects the wrong signature and a missing one', () => {
      expect(validateRequest(TOKEN, 'WRONG_SIGNATURE', URL, SPEC_PARAMS)).toBe(false);
      expect(verify(form(SPEC_PARAMS), 'WRONG_SIGNATURE', URL)).toEqual({ verified: false, reason: 'malformed_header' });
      expect(verify(form(SPEC_PARAMS), undefined, URL)).toEqual({ verified: false, reason: 'missing_header' });
    });
  });

  describe("the URL cases of twilio-node's webhooks spec", () => {
    const secret = 's3cr3t';
    const check = (signedUrl: string, targetUrl: string) => {
      const signature = getExpectedTwilioSignature(secret, signedUrl, {});
      return { sdk: validateRequest(secret, signature, targetUrl, {}), ours: verify('', signature, targetUrl, [secret]).verified };
    };

    it('rejects a signature of another query string', () => {
      expect(check('https://example.com/path?test=param', 'https://example.com/path?test=param2')).toEqual({ sdk: false, ours: false });
    });

    it.each([
      ['https://example.com:443/path?test=param', 'https://example.com:443/path?test=param'],
      ['https://example.com:443/path?test=param', 'https://example.com/path?test=param'],
      ['https://example.com/path?test=param', 'https://example.com/path?test=param'],
      ['https://example.com/path?test=param', 'https://example.com:443/path?test=param'],
      ["https://example.com/path?test=param'WithQuote", "https://example.com/path?test=param'WithQuote"],
      ["https://example.com/path?test=param'WithQuote", 'https://example.com/path?test=param%27WithQuote'],
      ['https://example.com/path?test=param%27WithQuote', "https://example.com/path?test=param'WithQuote"],
      ['https://example.com/path?test=param%27WithQuote', 'https://example.com/path?test=param%27WithQuote'],
    ])('accepts a signature of %s on a request to %s', (signedUrl, targetUrl) => {
      expect(check(signedUrl, targetUrl)).toEqual({ sdk: true, ours: true });
    });
  });

  it('rejects a changed parameter, an added parameter, a changed URL and the wrong token', () => {
    expect(verify(form({ ...PARAMS, Digits: '1235' }), SIGNATURE, URL)).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(form({ ...PARAMS, Extra: '' }), SIGNATURE, URL)).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(form(PARAMS), SIGNATURE, URL.replace('foo=1', 'foo=2'))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(form(PARAMS), SIGNATURE, URL, ['54321'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('accepts any auth token of a rotation (primary and secondary)', () => {
    expect(verify(form(PARAMS), SIGNATURE, URL, ['secondary', TOKEN])).toEqual({ verified: true });
  });

  it('rejects a hex signature and a truncated one', () => {
    const hex = Buffer.from(SIGNATURE, 'base64').toString('hex');
    for (const value of [hex, SIGNATURE.slice(0, -2), `${SIGNATURE}A`]) {
      expect(verify(form(PARAMS), value, URL)).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it('needs the URL to sign', () => {
    expect(() => verifier.sign({ secret: TOKEN, body: form(PARAMS) })).toThrow(TypeError);
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(form(PARAMS), value, URL)).toMatchObject({ verified: false });
    const hashUrl = `${URL}&bodySHA256=${typeof value === 'string' ? encodeURIComponent(value) : 'x'}`;
    expect(verify(JSON_BODY, SIGNATURE, hashUrl)).toMatchObject({ verified: false });
    expect(verify(form(PARAMS), SIGNATURE, `https://[${String(value)}/`)).toMatchObject({ verified: false });
  });

  it('checks bodySHA256 as the hash of the exact bytes', () => {
    const body = '{"a":"é"}';
    const url = `https://example.com/x?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const signature = verifier.sign({ secret: TOKEN, body, url })['x-twilio-signature']!;
    expect(validateRequestWithBody(TOKEN, signature, url, body)).toBe(true);
    expect(verify(body, signature, url)).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(Buffer.from(body, 'latin1'), { 'x-twilio-signature': signature }, url), [TOKEN])).toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
  });
});
