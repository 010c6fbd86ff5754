import { createHash, createHmac } from 'node:crypto';
import { RestClient } from '@signalwire/compatibility-api';
import { validateRequest as webApiValidateRequest } from '@signalwire/web-api';
import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { SignalWireVerifier } from './signalwire.verifier.js';

const { validateRequest: sdkValidateRequest, validateRequestWithBody } = RestClient;

/**
 * A cXML signature written out by hand from the documented algorithm, not with
 * this library's code. Each test also has the SDK accept it, so the SDK is the
 * judge of what is a genuine signature.
 */
const cxmlSignature = (key: string, url: string, params: Record<string, string | string[]>): string => {
  const data = Object.keys(params)
    .sort()
    .reduce(
      (acc, name) =>
        acc +
        [params[name]!]
          .flat()
          .map((v) => name + v)
          .join(''),
      url,
    );
  const signature = createHmac('sha1', key).update(data).digest('base64');
  expect(sdkValidateRequest(key, signature, url, params, true)).toBe(true);
  return signature;
};

// The official SWML vector, from @signalwire/web-api's src/validateRequest.test.ts.
const SWML = {
  key: 'PSK_7TruNcSNTxp4zNrykMj4EPzF',
  url: 'https://81f2-2-45-18-191.ngrok-free.app/',
  body: '{"call":{"call_id":"b5d63b2e-f75b-4dc8-b6d4-269b635f96c0","node_id":"fa3570ae-f8bd-42c2-83f4-9950d906c91b@us-west","segment_id":"b5d63b2e-f75b-4dc8-b6d4-269b635f96c0","call_state":"created","direction":"inbound","type":"phone","from":"+12135877632","to":"+12089806814","from_number":"+12135877632","to_number":"+12089806814","project_id":"4b7ae78a-d02e-4889-a63b-08b156d5916e","space_id":"62615f44-2a34-4235-b38b-76b5a1de6ef8"},"vars":{}}',
  sha1: 'b18500437ebb010220ddd770cbe6fd531ea0ba0d',
};

// The classic compatibility-API (cXML) vector from the same test file.
const LAML = {
  key: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' },
  signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
};

// SHA-256 vector computed independently of this library:
//   printf '%s' "$URL$BODY" | openssl dgst -sha256 -hmac 'PSK_test'
const SHA256 = {
  key: 'PSK_test',
  url: 'https://example.com/hooks/signalwire?tenant=7',
  body: '{"call":{"call_id":"abc"}}',
  signature: 'e2104685ceb3130a225454b930a49cc6150ca9525dae69f1debcc100bb8b9275',
};

const form = (params: Record<string, string | string[]>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) search.append(key, v);
  return search.toString();
};

describe('SignalWireVerifier', () => {
  const verifier = new SignalWireVerifier();
  const verify = (body: string | Buffer, headers: Record<string, string | string[]>, url: string, secrets: string[]) =>
    verifier.verify(webhookRequest(body, headers, url), secrets);

  describe('SWML / RELAY (JSON): hex HMAC of url + raw body', () => {
    it('accepts the official SHA-1 vector, which the SDK accepts too', () => {
      expect(webApiValidateRequest(SWML.key, SWML.sha1, SWML.url, SWML.body)).toBe(true);
      expect(verify(SWML.body, { 'x-signalwire-signature': SWML.sha1 }, SWML.url, [SWML.key])).toEqual({ verified: true });
    });

    it('signs the official vector exactly', () => {
      expect(verifier.sign({ secret: SWML.key, body: SWML.body, url: SWML.url })['x-signalwire-signature']).toBe(SWML.sha1);
    });

    it('rejects a one-byte change to the body, the URL or the key', () => {
      const headers = { 'x-signalwire-signature': SWML.sha1 };
      expect(verify(flipByte(SWML.body), headers, SWML.url, [SWML.key])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(SWML.body, headers, `${SWML.url}?q=1`, [SWML.key])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(SWML.body, headers, SWML.url, ['PSK_foo'])).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it('accepts the openssl SHA-256 vector, URL query string included', () => {
      const headers = { 'x-signalwire-sha256-signature': SHA256.signature };
      expect(verify(SHA256.body, headers, SHA256.url, [SHA256.key])).toEqual({ verified: true });
      expect(verify(SHA256.body, headers, SHA256.url.replace('?tenant=7', ''), [SHA256.key])).toMatchObject({ verified: false });
    });

    it('prefers the SHA-256 header when both are present', () => {
      const sha1 = verifier.sign({ secret: SHA256.key, body: SHA256.body, url: SHA256.url })['x-signalwire-signature']!;
      expect(verify(SHA256.body, { 'x-signalwire-signature': sha1, 'x-signalwire-sha256-signature': 'ab'.repeat(32) }, SHA256.url, [SHA256.key])).toEqual({
        verified: false,
        reason: 'no_matching_signature',
      });
      expect(verify(SHA256.body, { 'x-signalwire-signature': sha1, 'x-signalwire-sha256-signature': SHA256.signature }, SHA256.url, [SHA256.key])).toEqual({
        verified: true,
      });
    });

    it('accepts any key of a rotation', () => {
      expect(verify(SWML.body, { 'x-signalwire-signature': SWML.sha1 }, SWML.url, ['PSK_new', SWML.key])).toEqual({ verified: true });
    });
  });

  describe('compatibility API / cXML (form): base64 HMAC-SHA1 of url + sorted params', () => {
    // Form posts arrive as application/x-www-form-urlencoded; only those are read as a form.
    const verify = (body: string | Buffer, headers: Record<string, string | string[]>, url: string, secrets: string[]) =>
      verifier.verify(webhookRequest(body, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, url), secrets);

    it('accepts the classic vector, which the SDK accepts too', () => {
      expect(sdkValidateRequest(LAML.key, LAML.signature, LAML.url, LAML.params)).toBe(true);
      expect(verify(form(LAML.params), { 'x-signalwire-signature': LAML.signature }, LAML.url, [LAML.key])).toEqual({ verified: true });
    });

    it('signs the classic vector exactly', () => {
      expect(verifier.sign({ secret: LAML.key, body: form(LAML.params), url: LAML.url, format: 'form' })).toEqual({ 'x-signalwire-signature': LAML.signature });
    });

    it.each([
      ['spaces, plus signs and unicode', { Body: 'hello world + more', From: '+1 (415) 867-5309', Name: 'Zoë 北京' }],
      ['uppercase sorting before lowercase', { b: '1', B: '2', a: '3', A: '4' }],
      ['empty values', { Empty: '', Digits: '1' }],
      ['reserved characters', { Url: 'https://x.test/?a=1&b=2#frag', Pct: '100%' }],
    ])('accepts what the SDK accepts for %s', (_name, params) => {
      const url = 'https://example.com/laml?x=1';
      const signature = cxmlSignature('key', url, params);
      expect(verify(form(params), { 'x-signalwire-signature': signature }, url, ['key'])).toEqual({ verified: true });
    });

    it('accepts a repeated key in wire order and in sorted order, and rejects a pair sent twice', () => {
      const url = 'https://example.com/laml';
      const body = form({ Media: ['z', 'a'], To: '1' });
      const wire = cxmlSignature('key', url, { Media: ['z', 'a'], To: '1' });
      const sorted = cxmlSignature('key', url, { Media: ['a', 'z'], To: '1' });
      expect(wire).not.toBe(sorted);
      expect(verify(body, { 'x-signalwire-signature': wire }, url, ['key'])).toEqual({ verified: true });
      expect(verify(body, { 'x-signalwire-signature': sorted }, url, ['key'])).toEqual({ verified: true });
      // The SDK accepts 'z' sent twice with either signature; the app's parser would hand it over twice.
      const twice = form({ Media: ['z', 'a', 'z'], To: '1' });
      expect(verify(twice, { 'x-signalwire-signature': sorted }, url, ['key'])).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it('accepts a URL signed with the default port, or without the port received, as the SDK does', () => {
      const body = form(LAML.params);
      const withPort = cxmlSignature(LAML.key, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', LAML.params);
      expect(sdkValidateRequest(LAML.key, withPort, LAML.url, LAML.params)).toBe(true);
      expect(verify(body, { 'x-signalwire-signature': withPort }, LAML.url, [LAML.key])).toEqual({ verified: true });
      expect(verify(body, { 'x-signalwire-signature': LAML.signature }, 'https://mycompany.com:8443/myapp.php?foo=1&bar=2', [LAML.key])).toEqual({
        verified: true,
      });
    });

    it('rejects a changed parameter, a changed URL query, and the wrong key', () => {
      const headers = { 'x-signalwire-signature': LAML.signature };
      expect(verify(form({ ...LAML.params, Digits: '1235' }), headers, LAML.url, [LAML.key])).toMatchObject({ verified: false });
      expect(verify(form(LAML.params), headers, LAML.url.replace('foo=1', 'foo=2'), [LAML.key])).toMatchObject({ verified: false });
      expect(verify(form(LAML.params), headers, LAML.url, ['54321'])).toMatchObject({ verified: false });
    });

    it('checks a JSON body against bodySHA256, as the SDK does', () => {
      const body = '{"status":"completed"}';
      const url = `https://example.com/status?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
      const signature = cxmlSignature('key', url, {});
      expect(validateRequestWithBody('key', signature, url, body)).toBe(true);
      expect(verify(body, { 'x-signalwire-signature': signature }, url, ['key'])).toEqual({ verified: true });
      expect(verify('{"status":"completEd"}', { 'x-signalwire-signature': signature }, url, ['key'])).toEqual({
        verified: false,
        reason: 'no_matching_signature',
      });
      expect(verifier.sign({ secret: 'key', body, url, format: 'form' })).toEqual({ 'x-signalwire-signature': signature });
    });
  });

  it('does not verify a JSON body as a form: its hex SHA-1 re-sent in base64 is rejected', () => {
    const base64 = Buffer.from(SWML.sha1, 'hex').toString('base64');
    const json = { 'content-type': 'application/json', 'x-signalwire-signature': base64 };
    expect(verify(SWML.body, json, SWML.url, [SWML.key])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(SWML.body, { 'x-signalwire-signature': base64 }, SWML.url, [SWML.key])).toMatchObject({ verified: false });
  });

  it('does not verify a JSON delivery re-sent as a form, even one whose form content is the body itself', () => {
    // A body with no '&', '=', '+' or '%': read as a form, its content would be the body itself.
    const body = '{"id":"c-42","status":"ended"}';
    const sha1 = createHmac('sha1', SWML.key)
      .update(SWML.url + body)
      .digest('hex');
    expect(webApiValidateRequest(SWML.key, sha1, SWML.url, body)).toBe(true);
    const base64 = Buffer.from(sha1, 'hex').toString('base64');
    const json = webhookRequest(body, { 'content-type': 'application/json', 'x-signalwire-signature': sha1 }, SWML.url);
    const asForm = webhookRequest(body, { 'content-type': 'application/x-www-form-urlencoded', 'x-signalwire-signature': base64 }, SWML.url);
    expect(verifier.verify(json, [SWML.key])).toEqual({ verified: true });
    expect(verifier.verify(asForm, [SWML.key])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('accepts a JSON array body, and a hex SHA-1 header written with spaces around it', () => {
    const body = '[{"call_id":"abc"}]';
    const sha1 = createHmac('sha1', SWML.key)
      .update(SWML.url + body)
      .digest('hex');
    expect(webApiValidateRequest(SWML.key, sha1, SWML.url, body)).toBe(true);
    expect(verify(body, { 'x-signalwire-signature': sha1 }, SWML.url, [SWML.key])).toEqual({ verified: true });
    expect(verify(SWML.body, { 'x-signalwire-signature': ` ${SWML.sha1} ` }, SWML.url, [SWML.key])).toEqual({ verified: true });
  });

  it('names a JSON signature header that is not hex as malformed, before reading the body as JSON', () => {
    for (const body of [SWML.body, '{"a":']) {
      expect(verify(body, { 'x-signalwire-signature': 'zz'.repeat(20) }, SWML.url, [SWML.key])).toEqual({ verified: false, reason: 'malformed_header' });
      expect(verify(body, { 'x-signalwire-sha256-signature': 'zz'.repeat(32) }, SWML.url, [SWML.key])).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  describe('deliveryId: a hash of what the signature covers', () => {
    const sha256 = (...parts: string[]) => {
      const hash = createHash('sha256');
      for (const part of parts) hash.update(part);
      return `signed:${hash.digest('base64url')}`;
    };

    it('is the URL and body of a JSON delivery, whichever of its headers are sent, spaces around the SHA-1 included', () => {
      const sha1 = verifier.sign({ secret: SHA256.key, body: SHA256.body, url: SHA256.url })['x-signalwire-signature']!;
      for (const headers of [
        { 'x-signalwire-signature': sha1 },
        { 'x-signalwire-signature': ` ${sha1} ` },
        { 'x-signalwire-sha256-signature': SHA256.signature },
        { 'x-signalwire-signature': sha1, 'x-signalwire-sha256-signature': SHA256.signature },
      ] as Record<string, string>[]) {
        const request = webhookRequest(SHA256.body, headers, SHA256.url);
        expect(verifier.verify(request, [SHA256.key])).toEqual({ verified: true });
        expect(verifier.deliveryId(request)).toBe(sha256(SHA256.url, SHA256.body));
      }
    });

    it('is the URL and the form content, keys sorted, of a form post', () => {
      const url = 'https://example.com/laml';
      const signature = verifier.sign({ secret: 'key', body: 'To=1&From=2', url, format: 'form' })['x-signalwire-signature']!;
      const request = webhookRequest('To=1&From=2', { 'content-type': 'application/x-www-form-urlencoded', 'x-signalwire-signature': signature }, url);
      expect(verifier.verify(request, ['key'])).toEqual({ verified: true });
      expect(verifier.deliveryId(request)).toBe(sha256(url, 'From2To1'));
    });
  });

  it('rejects a JSON signature over a body that is not one JSON object or array', () => {
    for (const body of ['-x{"a":1}', '{"a":1}}', ' {"a":1}', '"a"']) {
      const sha1 = createHmac('sha1', SWML.key)
        .update(SWML.url + body)
        .digest('hex');
      expect(verify(body, { 'x-signalwire-signature': sha1 }, SWML.url, [SWML.key])).toEqual({ verified: false, reason: 'no_matching_signature' });
    }
  });

  it('rejects, never throws on, bodies that fit neither scheme', () => {
    const base64 = LAML.signature;
    for (const body of [Buffer.from([0xff, 0xfe, 0x00, 0x25]), '%E0%A4%A', '{"a":', '']) {
      expect(verify(body, { 'x-signalwire-signature': base64 }, LAML.url, [LAML.key])).toMatchObject({ verified: false });
      expect(verify(body, { 'x-signalwire-signature': SWML.sha1 }, SWML.url, [SWML.key])).toMatchObject({ verified: false });
    }
  });

  it('rejects a missing header', () => {
    expect(verify(SWML.body, {}, SWML.url, [SWML.key])).toEqual({ verified: false, reason: 'missing_header' });
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(SWML.body, { 'x-signalwire-signature': value }, SWML.url, [SWML.key])).toMatchObject({ verified: false });
    expect(verify(SWML.body, { 'x-signalwire-sha256-signature': value }, SWML.url, [SWML.key])).toMatchObject({ verified: false });
    expect(verify(SWML.body, { 'x-signalwire-signature': LAML.signature }, `https://[${String(value)}/`, [SWML.key])).toMatchObject({ verified: false });
  });
});
