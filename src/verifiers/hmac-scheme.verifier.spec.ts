import { createHash, createHmac } from 'node:crypto';
import { flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import { MAX_SIGNATURES_PER_HEADER } from '../utils/headers.js';
import { HmacSchemeVerifier, type HmacSchemeOptions } from './hmac-scheme.verifier.js';

/** The fields of the description format, each computed here with node:crypto alone. */
const NOW = Date.UTC(2026, 0, 15, 12);
const BODY = '{"id":"evt_1","type":"invoice.paid","action":"opened","event":{"id":"e_9"}}';
const hex = (key: string | Buffer, content: string) => createHmac('sha256', key).update(content).digest('hex');
const base64 = (key: string | Buffer, content: string) => createHmac('sha256', key).update(content).digest('base64');
const verifierOf = (scheme: HmacSchemeOptions) => new HmacSchemeVerifier(scheme, { clock: () => NOW });
const rejected = (reason: string) => ({ verified: false, reason });

describe('key=value signature headers', () => {
  const scheme = {
    header: 'x-sig',
    algorithm: 'sha256',
    encoding: 'hex',
    separator: ';',
    prefix: 'h1=',
    signedContent: '{timestamp}:{body}',
    timestamp: { key: 'ts', format: 'unix' },
  } as const satisfies HmacSchemeOptions;
  const verifier = verifierOf(scheme);
  const ts = String(NOW / 1000);
  const verify = (header: string, body: string | Buffer = BODY) => verifier.verify(webhookRequest(body, { 'x-sig': header }), ['key']);

  it('reads the timestamp and every signature entry, in any order, trimmed', () => {
    expect(verify(`ts=${ts};h1=${hex('key', `${ts}:${BODY}`)}`)).toEqual({ verified: true });
    expect(verify(` h1=${hex('old', `${ts}:${BODY}`)} ; h1=${hex('key', `${ts}:${BODY}`)} ; ts=${ts}`)).toEqual({ verified: true });
    expect(verify(`ts=${ts};h1=${hex('key', `${ts}:${BODY}`)}`, flipByte(BODY))).toEqual(rejected('no_matching_signature'));
  });

  it('rejects a missing or repeated timestamp, and a timestamp out of tolerance', () => {
    const signature = `h1=${hex('key', `${ts}:${BODY}`)}`;
    expect(verify(signature)).toEqual(rejected('malformed_header'));
    expect(verify(`ts=${ts};ts=${ts};${signature}`)).toEqual(rejected('malformed_header'));
    const old = String(NOW / 1000 - 600);
    expect(verify(`ts=${old};h1=${hex('key', `${old}:${BODY}`)}`)).toEqual(rejected('timestamp_out_of_tolerance'));
  });

  it('writes ts=…;h1=… when signing', () => {
    expect(verifier.sign({ secret: 'key', body: BODY, timestamp: NOW / 1000 })).toEqual({ 'x-sig': `ts=${ts};h1=${hex('key', `${ts}:${BODY}`)}` });
  });

  it('reads the first entry as the timestamp with { first: true }', () => {
    const first = verifierOf({ ...scheme, prefix: '', separator: ',', timestamp: { first: true, format: 'unix-ms' } });
    const ms = String(NOW);
    const header = `${ms},${hex('key', `${ms}:${BODY}`)}`;
    expect(first.verify(webhookRequest(BODY, { 'x-sig': header }), ['key'])).toEqual({ verified: true });
    expect(first.sign({ secret: 'key', body: BODY, timestamp: NOW / 1000 })).toEqual({ 'x-sig': header });
  });
});

describe('header families', () => {
  const verifier = verifierOf({ header: ['x-sig-1', 'x-sig-2'], algorithm: 'sha256', encoding: 'base64', separator: ',' });

  it('accepts a match in any header, and signs the first', () => {
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig-2': base64('key', BODY) }), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig-1': base64('old', BODY), 'x-sig-2': base64('key', BODY) }), ['key'])).toEqual({ verified: true });
    expect(verifier.sign({ secret: 'key', body: BODY })).toEqual({ 'x-sig-1': base64('key', BODY) });
    expect(verifier.verify(webhookRequest(BODY, {}), ['key'])).toEqual(rejected('missing_header'));
  });

  it(`rejects more than ${MAX_SIGNATURES_PER_HEADER} entries across the family, or in any one of its headers`, () => {
    const six = Array.from({ length: 6 }, () => base64('key', BODY)).join(',');
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig-1': six, 'x-sig-2': six }), ['key'])).toEqual(rejected('malformed_header'));
    const eleven = Array.from({ length: MAX_SIGNATURES_PER_HEADER + 1 }, () => base64('key', BODY)).join(',');
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig-1': eleven }), ['key'])).toEqual(rejected('malformed_header'));
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig-2': eleven }), ['key'])).toEqual(rejected('malformed_header'));
  });
});

describe('{method} and URL decoding', () => {
  const request = (url: string, signature: string, method?: string) => ({ ...webhookRequest(BODY, { 'x-sig': signature }, url), method });

  it('signs the method, POST when none is given, and the URL with the listed escapes decoded', () => {
    const verifier = verifierOf({
      header: 'x-sig',
      algorithm: 'sha256',
      encoding: 'hex',
      signedContent: '{method}{url}{body}',
      urlDecode: ['%3A', '%2F'],
    });
    const signature = hex('key', `PUThttps://example.com/a?u=http://x/y${BODY}`);
    expect(verifier.verify(request('https://example.com/a?u=http%3A%2F%2Fx%2Fy', signature, 'PUT'), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(request('https://example.com/a?u=http%3A%2F%2Fx%2Fy', signature, 'POST'), ['key'])).toEqual(rejected('no_matching_signature'));
    expect(verifier.verify(request('https://example.com/a?u=http%3a%2f%2fx%2fy', signature, 'PUT'), ['key'])).toEqual(rejected('no_matching_signature'));
    const post = hex('key', `POSThttps://example.com/a${BODY}`);
    expect(verifier.verify(request('https://example.com/a', post), ['key'])).toEqual({ verified: true });
  });
  it('keeps an escape of /, ? or ; in the path as received, so the path and its params are those the sender signed', () => {
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: '{url}{body}', urlDecode: ['%2F', '%3F', '%3A'] });
    const url = 'https://example.com/a%2Fb%3Fc%3A?q=%2F%3F%3A';
    expect(verifier.verify(request(url, hex('key', `https://example.com/a%2Fb%3Fc:?q=/?:${BODY}`)), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(request(url, hex('key', `https://example.com/a/b?c:?q=/?:${BODY}`)), ['key'])).toEqual(rejected('no_matching_signature'));
    const semicolon = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: '{url}{body}', urlDecode: ['%3B'] });
    const withSemicolon = 'https://example.com/a%3Bb?q=%3B';
    expect(semicolon.verify(request(withSemicolon, hex('key', `https://example.com/a%3Bb?q=;${BODY}`)), ['key'])).toEqual({ verified: true });
    expect(semicolon.verify(request(withSemicolon, hex('key', `https://example.com/a;b?q=;${BODY}`)), ['key'])).toEqual(rejected('no_matching_signature'));
    const noQuery = 'https://example.com/a%2Fb%3A';
    expect(verifier.verify(request(noQuery, hex('key', `https://example.com/a%2Fb:${BODY}`)), ['key'])).toEqual({ verified: true });
  });
});

describe('secret encodings', () => {
  it('decodes a hex or base64 key after a required prefix, and says at startup what a secret should be', () => {
    const key = Buffer.from('0011223344556677', 'hex');
    const hexKeyed = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', secretEncoding: 'hex' });
    expect(hexKeyed.verify(webhookRequest(BODY, { 'x-sig': hex(key, BODY) }), ['0011223344556677'])).toEqual({ verified: true });
    expect(hexKeyed.checkSecret('not hex')).toBe('a hex of the key');

    const prefixed = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', secretEncoding: 'base64', secretPrefix: 'key_' });
    const secret = `key_${key.toString('base64')}`;
    expect(prefixed.verify(webhookRequest(BODY, { 'x-sig': hex(key, BODY) }), [secret])).toEqual({ verified: true });
    expect(prefixed.verify(webhookRequest(BODY, { 'x-sig': hex(key, BODY) }), [key.toString('base64')])).toEqual(rejected('no_matching_signature'));
    expect(prefixed.checkSecret(key.toString('base64'))).toBe('key_ followed by the base64 of the key');
    expect(prefixed.checkSecret(secret)).toBeUndefined();
    expect(prefixed.sign({ secret, body: BODY })).toEqual({ 'x-sig': hex(key, BODY) });
  });
});

describe('delivery id and event type as data', () => {
  it('reads a JSON id and a header-and-JSON event type from the verified request', () => {
    const verifier = verifierOf({
      header: 'x-sig',
      algorithm: 'sha256',
      encoding: 'hex',
      deliveryId: { json: ['event', 'id'] },
      eventType: { header: 'x-event', json: ['action'] },
    });
    const request = webhookRequest(BODY, { 'x-sig': hex('key', BODY), 'x-event': 'issues' });
    expect(verifier.deliveryId(request)).toBe('event:e_9');
    expect(verifier.eventType(request)).toBe('issues.opened');
    expect(verifier.eventType(webhookRequest('{"no":"action"}', { 'x-event': 'push' }))).toBe('push');
    expect(verifier.eventType(webhookRequest('not json', {}))).toBeUndefined();
    expect(verifier.deliveryId(webhookRequest('not json', { 'x-sig': hex('key', 'not json') }))).toMatch(/^signed:/);
  });
});

describe('startup checks of the new fields', () => {
  const base = { header: 'x-sig', algorithm: 'sha256', encoding: 'hex' } as const;
  it.each<[string, object, RegExp]>([
    ['an empty family', { header: [] }, /a header name, or a non-empty list of them/],
    ['a family over the limit', { header: Array.from({ length: 11 }, (_, i) => `x-${i}`) }, /at most 10 headers/],
    [
      'a key timestamp without a separator',
      { timestamp: { key: 't', format: 'unix' }, signedContent: '{timestamp}.{body}' },
      /a separator, and a single header/,
    ],
    ['a timestamp of no known shape', { timestamp: { format: 'unix' }, signedContent: '{timestamp}.{body}' }, /\{ key: 't', format \}/],
    ['a timestamp read but not signed', { separator: ',', timestamp: { key: 't', format: 'unix' } }, /reads the timestamp header but does not sign it/],
    ['urlDecode that is no escape', { urlDecode: ['%G1'], signedContent: '{url}{body}' }, /urlDecode as a list of ASCII percent-escapes/],
    [
      'urlDecode of a byte above %7F, which decodes only in a UTF-8 sequence',
      { urlDecode: ['%E2'], signedContent: '{url}{body}' },
      /urlDecode as a list of ASCII percent-escapes/,
    ],
    ['urlDecode with an escape inside a nested list', { urlDecode: [['%3A']], signedContent: '{url}{body}' }, /urlDecode as a list of ASCII percent-escapes/],
    ['a body format other than json', { body: 'xml' }, /body as 'json'/],
    ['urlDecode without {url}', { urlDecode: ['%3A'] }, /urlDecode only with a signedContent that signs \{url\}/],
    ['an unknown secretEncoding', { secretEncoding: 'latin1' }, /a secretEncoding: 'utf8', 'hex' or 'base64'/],
    ['an empty list of secret prefixes', { secretPrefix: [] }, /a secretPrefix that is text, or a non-empty list of them/],
    ['a delivery id from an unsigned header', { deliveryId: { header: 'x-delivery' } }, /deliveryId.header to be the id header the signature covers/],
    ['an empty JSON path', { deliveryId: { json: [] } }, /deliveryId.json as a non-empty list of keys/],
    ['a JSON path with an empty key', { deliveryId: { json: ['event', ''] } }, /deliveryId.json as a non-empty list of keys/],
    ['a JSON path that is no list', { deliveryId: { json: 'id' } }, /deliveryId.json as a non-empty list of keys/],
    ['a delivery id of null, as JSON may give', { deliveryId: null }, /deliveryId as \{ header: '...' \} or \{ json: \['...'\] \}/],
    ['a delivery id given as a header name alone', { deliveryId: 'x-delivery' }, /deliveryId as \{ header: '...' \} or \{ json: \['...'\] \}/],
    ['a delivery id naming nothing', { deliveryId: {} }, /deliveryId as \{ header: '...' \} or \{ json: \['...'\] \}/],
    ['a delivery id from an empty header name', { deliveryId: { header: '' } }, /deliveryId as \{ header: '...' \} or \{ json: \['...'\] \}/],
    ['an event type naming nothing', { eventType: {} }, /eventType as \{ header: '...' \}/],
    ['an event type of null, as JSON may give', { eventType: null }, /eventType as \{ header: '...' \}/],
    ['an event type from an empty header name', { eventType: { header: '' } }, /eventType as \{ header: '...' \}/],
    ['an event type from an empty list of headers', { eventType: { header: [] } }, /eventType as \{ header: '...' \}/],
    ['an event type with an empty JSON path', { eventType: { header: 'x-event', json: [] } }, /eventType as \{ header: '...' \}/],
    ['an event type with an empty JSON key', { eventType: { json: ['action', ''] } }, /eventType as \{ header: '...' \}/],
  ])('stops the app on %s, naming the fix', (_name, change, message) => {
    const create = () => new HmacSchemeVerifier({ ...base, ...change });
    expect(create).toThrow(WebhookSecurityConfigurationError);
    expect(create).toThrow(message);
  });

  it('accepts a delivery id from the signed id header', () => {
    expect(() => new HmacSchemeVerifier({ ...base, signedContent: '{id}.{body}', id: { header: 'x-id' }, deliveryId: { header: 'X-Id' } })).not.toThrow();
  });
});

// Each verifier below is built inside its test, so that a change to the constructor or the startup checks shows.
describe('JSON-only bodies', () => {
  const json = { header: 'x-sig', algorithm: 'sha256', encoding: 'hex', body: 'json' } as const satisfies HmacSchemeOptions;
  const verifyAs = (scheme: HmacSchemeOptions, body: string) => verifierOf(scheme).verify(webhookRequest(body, { 'x-sig': hex('key', body) }), ['key']);

  it('accepts an object or an array, after any blank bytes', () => {
    expect(verifyAs(json, BODY)).toEqual({ verified: true });
    expect(verifyAs(json, '[1]')).toEqual({ verified: true });
    for (const blank of [' ', '\t', '\n', '\r']) expect(verifyAs(json, `${blank}${BODY}`)).toEqual({ verified: true });
  });

  it('rejects any other body as malformed, even correctly signed; without body: json, any bytes are verified', () => {
    for (const body of ['not json', '"text"', '', ' \r\n\t', 'x{}']) expect(verifyAs(json, body)).toEqual(rejected('malformed_body'));
    expect(verifyAs({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex' }, 'not json')).toEqual({ verified: true });
  });

  it('skips a UTF-8 byte order mark before the object or array, and only one at the start', () => {
    const bom = '\ufeff';
    expect(verifyAs(json, `${bom}${BODY}`)).toEqual({ verified: true });
    expect(verifyAs(json, `${bom} [1]`)).toEqual({ verified: true });
    for (const body of [bom, `${bom}${bom}[1]`, ` ${bom}[1]`, `${bom}"text"`]) expect(verifyAs(json, body)).toEqual(rejected('malformed_body'));
  });

  it('with {url} signed, verifies only a body that parses, as the tail of a signed URL could be moved into one', () => {
    const url = 'https://example.com/a?n=1';
    const urlSigned = (scheme: HmacSchemeOptions, body: string) =>
      verifierOf({ ...scheme, signedContent: '{url}{body}' }).verify(webhookRequest(body, { 'x-sig': hex('key', `${url}${body}`) }, url), ['key']);
    expect(urlSigned(json, '{"a":1}')).toEqual({ verified: true });
    expect(urlSigned(json, '{"a":1')).toEqual(rejected('malformed_body'));
    // Nothing can move into a body signed alone; without body: 'json', any bytes.
    expect(verifyAs(json, '{"a":1')).toEqual({ verified: true });
    expect(urlSigned({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex' }, '{"a":1')).toEqual({ verified: true });
  });

  it('reads three bytes as a byte order mark only when they are one', () => {
    const verifyBytes = (bytes: number[]) => {
      const body = Buffer.from(bytes);
      return verifierOf(json).verify(webhookRequest(body, { 'x-sig': createHmac('sha256', 'key').update(body).digest('hex') }), ['key']);
    };
    for (const bytes of [
      [0x5b, 0x20, 0xbf],
      [0x5b, 0xbb, 0xbf],
    ]) {
      expect(verifyBytes(bytes)).toEqual({ verified: true });
    }
    for (const bytes of [
      [0xef, 0x20, 0xbf, 0x7b],
      [0xef, 0xbb, 0x41, 0x7b],
    ]) {
      expect(verifyBytes(bytes)).toEqual(rejected('malformed_body'));
    }
  });

  it('verifies a GET or HEAD with no body, and only with none, when the method is signed, and no other method or scheme with none', () => {
    const url = 'https://example.com/card?portalId=1';
    const request = (scheme: HmacSchemeOptions, method: string, body = '') =>
      verifierOf(scheme).verify(
        { ...webhookRequest(body, { 'x-sig': hex('key', `${scheme.signedContent!.startsWith('{method}') ? method : ''}${url}${body}`) }, url), method },
        ['key'],
      );
    const withMethod = { ...json, signedContent: '{method}{url}{body}' } as const;
    const withoutMethod = { ...json, signedContent: '{url}{body}' } as const;
    expect(request(withMethod, 'GET')).toEqual({ verified: true });
    expect(request(withMethod, 'HEAD')).toEqual({ verified: true });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(request(withMethod, method)).toEqual(rejected('malformed_body'));
    expect(request(withoutMethod, 'GET')).toEqual(rejected('malformed_body'));
    // A GET or HEAD has no body when the method is signed: a URL's JSON tail moved into one would parse.
    for (const method of ['GET', 'HEAD']) {
      expect(request(withMethod, method, 'x')).toEqual(rejected('malformed_body'));
      expect(request(withMethod, method, '[1]')).toEqual(rejected('malformed_body'));
    }
    expect(request(withMethod, 'POST', '[1]')).toEqual({ verified: true });
    expect(request(withoutMethod, 'GET', '[1]')).toEqual({ verified: true });
  });
});

describe('a signed id header', () => {
  const scheme = { header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: '{id}.{body}', id: { header: 'x-id' } } as const;

  it('verifies the id as signed, and rejects a request without it', () => {
    const verifier = verifierOf(scheme);
    const signature = hex('key', `msg_1.${BODY}`);
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': signature, 'x-id': 'msg_1' }), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': signature, 'x-id': 'msg_2' }), ['key'])).toEqual(rejected('no_matching_signature'));
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': signature }), ['key'])).toEqual(rejected('missing_header'));
    expect(verifier.deliveryId(webhookRequest(BODY, { 'x-sig': signature, 'x-id': 'msg_1' }))).toBe('msg_1');
  });

  it('signs the id given, or a new msg_ id', () => {
    const verifier = verifierOf(scheme);
    expect(verifier.sign({ secret: 'key', body: BODY, id: 'msg_1' })).toEqual({ 'x-sig': hex('key', `msg_1.${BODY}`), 'x-id': 'msg_1' });
    const signed = verifier.sign({ secret: 'key', body: BODY });
    expect(signed['x-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(signed['x-sig']).toBe(hex('key', `${signed['x-id']}.${BODY}`));
  });
});

describe('a timestamp header of its own', () => {
  const scheme = {
    header: 'x-sig',
    algorithm: 'sha256',
    encoding: 'hex',
    signedContent: 'v0:{timestamp}:{body}',
    timestamp: { header: 'x-ts', format: 'unix' },
  } as const;
  const ts = String(NOW / 1000);

  it('verifies it, rejects a request without it, and writes it when signing', () => {
    const verifier = verifierOf(scheme);
    const signature = hex('key', `v0:${ts}:${BODY}`);
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': signature, 'x-ts': ts }), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': signature }), ['key'])).toEqual(rejected('missing_header'));
    expect(verifier.sign({ secret: 'key', body: BODY, timestamp: NOW / 1000 })).toEqual({ 'x-sig': signature, 'x-ts': ts });
  });

  it('gives a request the id of what its signature covers, timestamp included', () => {
    const verifier = verifierOf(scheme);
    const id = (timestamp: string) => verifier.deliveryId(webhookRequest(BODY, { 'x-sig': 'ab', 'x-ts': timestamp }));
    const sha256 = (content: string) => `signed:${createHash('sha256').update(content).digest('base64url')}`;
    expect(id(ts)).toBe(sha256(`v0:${ts}:${BODY}`));
    expect(id('1700000000')).toBe(sha256(`v0:1700000000:${BODY}`));
  });
});

describe('signature entries', () => {
  it('names a header with no signature that decodes as malformed', () => {
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': `sha256=${hex('key', BODY).slice(2)}` }), ['key'])).toEqual(rejected('malformed_header'));
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': hex('key', BODY) }), ['key'])).toEqual(rejected('malformed_header'));
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': `sha256=${hex('key', BODY)}` }), ['key'])).toEqual({ verified: true });
  });

  it('rejects a hex signature with a character past Latin-1 in place of the hex digit its low byte is', () => {
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex' });
    const valid = hex('key', BODY);
    // U+0130 for '0', U+0161 for 'a' ... U+0166 for 'f': Node's hex decoding would read the genuine signature.
    const lookalike = valid.replace(/[0a-f]/, (digit) => String.fromCharCode(digit === '0' ? 0x130 : 0x100 + digit.charCodeAt(0)));
    expect(lookalike).not.toBe(valid);
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': valid }), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': lookalike }), ['key'])).toEqual(rejected('malformed_header'));
  });

  it('skips an entry without the prefix, even one that holds the right HMAC', () => {
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', separator: ',', prefix: 'v1=' });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': `v0=${hex('key', BODY)}` }), ['key'])).toEqual(rejected('malformed_header'));
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': `v0=${hex('key', BODY)},v1=${hex('key', BODY)}` }), ['key'])).toEqual({ verified: true });
  });

  /** A scheme whose timestamp is an entry of its signature header's list. */
  const listingTimestamp = (timestamp: HmacSchemeOptions['timestamp']) =>
    verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', separator: ',', signedContent: '{timestamp}.{body}', timestamp });

  it('reads a first-entry timestamp only from a header that lists one', () => {
    const verifier = listingTimestamp({ first: true, format: 'unix' });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': ' , ' }), ['key'])).toEqual(rejected('malformed_header'));
  });

  it('reads a key=value timestamp entry by its key at the start of an entry', () => {
    const verifier = listingTimestamp({ key: 't', format: 'unix' });
    const ts = String(NOW / 1000);
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': `t=${ts},${hex('key', `${ts}.${BODY}`)}` }), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': `${ts}=t,${hex('key', `${ts}.${BODY}`)}` }), ['key'])).toEqual(rejected('malformed_header'));
  });

  it.each([
    ['hex', hex('key', BODY), (valid: string) => `zz${valid.slice(2)}`],
    ['base64', base64('key', BODY), (valid: string) => `!${valid.slice(1)}`],
  ] as const)('never compares what an earlier request decoded (%s): a signature that does not decode is malformed', (encoding, valid, broken) => {
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding, separator: ',' });
    const verify = (header: string) => verifier.verify(webhookRequest(BODY, { 'x-sig': header }), ['key']);
    expect(verify(`${valid},${valid}`)).toEqual({ verified: true });
    // The same body, each signature broken where decoding starts: nothing of the genuine ones may be read again.
    expect(verify(`${broken(valid)},${broken(valid)}`)).toEqual(rejected('malformed_header'));
    expect(verify(`${broken(valid)},${valid}`)).toEqual({ verified: true });
  });

  it(`accepts exactly ${MAX_SIGNATURES_PER_HEADER} entries across a family`, () => {
    const verifier = verifierOf({ header: ['x-sig-1', 'x-sig-2'], algorithm: 'sha256', encoding: 'base64', separator: ',' });
    const five = Array.from({ length: 5 }, () => base64('key', BODY)).join(',');
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig-1': five, 'x-sig-2': five }), ['key'])).toEqual({ verified: true });
  });
});

describe('the signed content', () => {
  it('signs the body as the bytes received, not as text', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: 'v0:{body}' });
    const signature = createHmac('sha256', 'key').update('v0:').update(body).digest('hex');
    expect(verifier.verify(webhookRequest(body, { 'x-sig': signature }), ['key'])).toEqual({ verified: true });
    expect(verifier.sign({ secret: 'key', body })).toEqual({ 'x-sig': signature });
  });

  it('signs the text around the body, an empty URL as given, and POST for a request without a method', () => {
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: '<{method} {url}>{body}</{method}>' });
    const request = (signature: string, method?: string) => ({ ...webhookRequest(BODY, { 'x-sig': signature }), url: '', method });
    const post = hex('key', `<POST >${BODY}</POST>`);
    expect(verifier.verify(request(post, ''), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(request(hex('key', `<PUT >${BODY}</PUT>`), 'PUT'), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(request(hex('key', `<POST >${BODY}`), ''), ['key'])).toEqual(rejected('no_matching_signature'));
    expect(verifier.sign({ secret: 'key', body: BODY, url: 'https://example.com' })).toEqual({
      'x-sig': hex('key', `<POST https://example.com>${BODY}</POST>`),
    });
    expect(verifier.sign({ secret: 'key', body: BODY, url: 'https://example.com', method: 'PUT' })).toEqual({
      'x-sig': hex('key', `<PUT https://example.com>${BODY}</PUT>`),
    });
  });

  it('signs the URL only when the template names it', () => {
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: '{url}|{body}' });
    expect(verifier.signsUrl).toBe(true);
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': hex('key', `https://example.com/webhooks|${BODY}`) }), ['key'])).toEqual({ verified: true });
    expect(verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: 'url|{body}' }).signsUrl).toBe(false);
  });

  it('refuses to sign without the URL the scheme signs, or with a secret it cannot use', () => {
    const verifier = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: '{url}{body}' });
    expect(() => verifier.sign({ secret: 'key', body: BODY })).toThrow(
      new TypeError("The 'x-sig' scheme signs the URL: pass the full URL the request goes to as `url`."),
    );
    const hexKeyed = verifierOf({ header: 'x-sig', algorithm: 'sha256', encoding: 'hex', secretEncoding: 'hex' });
    expect(() => hexKeyed.sign({ secret: 'xyz', body: BODY })).toThrow(new TypeError("The 'x-sig' scheme cannot use this secret: a hex of the key."));
  });
});

describe('secrets', () => {
  const scheme = { header: 'x-sig', algorithm: 'sha256', encoding: 'hex' } as const;

  it('signs and verifies with the UTF-8 bytes of a secret, after its prefix', () => {
    const plain = verifierOf(scheme);
    expect(plain.sign({ secret: 'key', body: BODY })).toEqual({ 'x-sig': hex('key', BODY) });
    expect(plain.checkSecret('')).toBe('a secret');
    const prefixed = verifierOf({ ...scheme, secretPrefix: ['whsec_', 'wh_'] });
    expect(prefixed.verify(webhookRequest(BODY, { 'x-sig': hex('key', BODY) }), ['wh_key'])).toEqual({ verified: true });
    expect(prefixed.verify(webhookRequest(BODY, { 'x-sig': hex('', BODY) }), ['wh_'])).toEqual(rejected('no_matching_signature'));
    expect(prefixed.checkSecret('wh_')).toBe('whsec_ or wh_ followed by the secret');
    expect(prefixed.checkSecret('key')).toBe('whsec_ or wh_ followed by the secret');
  });

  it('reads a hex key of whole bytes, in either case', () => {
    const hexKeyed = verifierOf({ ...scheme, secretEncoding: 'hex' });
    expect(hexKeyed.verify(webhookRequest(BODY, { 'x-sig': hex(Buffer.from('a1b2c3', 'hex'), BODY) }), ['A1b2C3'])).toEqual({ verified: true });
    for (const secret of ['a1b2c', 'zza1b2', 'a1b2zz', 'a1 b2', '']) expect(hexKeyed.checkSecret(secret)).toBe('a hex of the key');
  });

  it('reads a base64 key with or without padding, and nothing else', () => {
    const base64Keyed = verifierOf({ ...scheme, secretEncoding: 'base64' });
    for (const secret of ['AAECAw==', 'AAECAwQ=', 'AAECAwQF', 'AA+/']) {
      expect(base64Keyed.verify(webhookRequest(BODY, { 'x-sig': hex(Buffer.from(secret, 'base64'), BODY) }), [secret])).toEqual({ verified: true });
    }
    for (const secret of ['AAECA', '*AAA', 'AAA*', 'A*AA', 'AAA===', 'AAECAw']) expect(base64Keyed.checkSecret(secret)).toBe('a base64 of the key');
  });
});

describe('startup checks, each naming its fix', () => {
  const base = { header: 'x-sig', algorithm: 'sha256', encoding: 'hex' } as const;
  const ts = { signedContent: '{timestamp}.{body}' };
  it.each<[string, object | null, string]>([
    ['no scheme at all', { header: undefined }, 'A declarative signature scheme needs a header name, or a non-empty list of them.'],
    ['a scheme of null, as JSON may give', null, 'A declarative signature scheme needs a header name, or a non-empty list of them.'],
    ['an empty header name', { header: ['x-a', ' '] }, "The signature scheme of header 'x-a' needs a header name, or a non-empty list of them."],
    ['a header name that is no text', { header: ['x-a', 5] }, "The signature scheme of header 'x-a' needs a header name, or a non-empty list of them."],
    ['an unknown algorithm', { algorithm: 'md5' }, "The signature scheme of header 'x-sig' needs an algorithm: 'sha1', 'sha256' or 'sha512'."],
    ['an unknown encoding', { encoding: 'binary' }, "The signature scheme of header 'x-sig' needs an encoding: 'hex', 'base64' or 'base64url'."],
    ['a prefix that is no text', { prefix: 1 }, "The signature scheme of header 'x-sig' needs a prefix that is text."],
    ['an empty separator', { separator: '' }, "The signature scheme of header 'x-sig' needs a non-empty separator, or none for a single signature."],
    ['a separator that is no text', { separator: 1 }, "The signature scheme of header 'x-sig' needs a non-empty separator, or none for a single signature."],
    [
      'an unknown timestamp format',
      { ...ts, timestamp: { header: 'x-ts', format: 'seconds' } },
      "The signature scheme of header 'x-sig' needs a timestamp format: 'unix', 'unix-ms' or 'iso'.",
    ],
    ['a timestamp of null', { ...ts, timestamp: null }, "The signature scheme of header 'x-sig' needs a timestamp format: 'unix', 'unix-ms' or 'iso'."],
    [
      'a timestamp header name that is no text',
      { ...ts, timestamp: { header: 5, format: 'unix' } },
      "The signature scheme of header 'x-sig' needs a timestamp as { header: '...', format }, { key: 't', format } or { first: true, format }.",
    ],
    [
      'a timestamp key that is no text',
      { ...ts, separator: ',', timestamp: { key: 5, format: 'unix' } },
      "The signature scheme of header 'x-sig' needs a timestamp as { header: '...', format }, { key: 't', format } or { first: true, format }.",
    ],
    [
      'an empty timestamp header name',
      { ...ts, timestamp: { header: '', format: 'unix' } },
      "The signature scheme of header 'x-sig' needs a timestamp as { header: '...', format }, { key: 't', format } or { first: true, format }.",
    ],
    [
      'a timestamp { first: false }',
      { ...ts, separator: ',', timestamp: { first: false, format: 'unix' } },
      "The signature scheme of header 'x-sig' needs a timestamp as { header: '...', format }, { key: 't', format } or { first: true, format }.",
    ],
    [
      'a key timestamp read from a family',
      { ...ts, header: ['x-a', 'x-b'], separator: ',', timestamp: { key: 't', format: 'unix' } },
      "The signature scheme of header 'x-a' needs a separator, and a single header, to read the timestamp from the signature header's list.",
    ],
    ['an id without its header', { signedContent: '{id}{body}', id: {} }, "The signature scheme of header 'x-sig' needs an id header name."],
    ['an id of an empty header name', { signedContent: '{id}{body}', id: { header: '' } }, "The signature scheme of header 'x-sig' needs an id header name."],
    ['an id that is null', { signedContent: '{id}{body}', id: null }, "The signature scheme of header 'x-sig' needs an id header name."],
    [
      'urlDecode with one valid escape and one not',
      { urlDecode: ['%3A', '%G1'], signedContent: '{url}{body}' },
      "The signature scheme of header 'x-sig' needs urlDecode as a list of ASCII percent-escapes, none of &, =, +, % or #, e.g. ['%3A', '%2F'].",
    ],
    [
      'a secretPrefix list with an entry that is no text',
      { secretPrefix: ['whsec_', 5] },
      "The signature scheme of header 'x-sig' needs a secretPrefix that is text, or a non-empty list of them.",
    ],
    [
      'a template that signs an id the scheme does not read',
      { signedContent: '{id}.{body}' },
      "The signature scheme of header 'x-sig' signs {id} but names no id header. Add `id: { header: '...' }` to the scheme.",
    ],
    [
      'an id read but not signed',
      { id: { header: 'x-id' } },
      "The signature scheme of header 'x-sig' reads the id header but does not sign it, so anyone could change it. Add {id} to signedContent as the sender signs it, or remove `id` from the scheme.",
    ],
  ])('stops the app on %s', (_name, change, message) => {
    const scheme = change === null ? null : { ...base, ...change };
    expect(() => new HmacSchemeVerifier(scheme as HmacSchemeOptions)).toThrow(new WebhookSecurityConfigurationError(message));
  });

  it('accepts every field at its edge', () => {
    const accepted: HmacSchemeOptions[] = [
      { ...base, header: Array.from({ length: MAX_SIGNATURES_PER_HEADER }, (_, i) => `x-${i}`) },
      { ...base, prefix: 'v1=', separator: ',', body: 'json', secretPrefix: 'whsec_', secretEncoding: 'utf8' },
      { ...base, signedContent: '{timestamp}.{body}', separator: ',', timestamp: { first: true, format: 'iso' } },
      { ...base, signedContent: '{timestamp}.{body}', separator: ',', timestamp: { key: 't', format: 'unix-ms' } },
      { ...base, signedContent: '{url}{body}', urlDecode: ['%3A', '%2f'] },
    ];
    for (const scheme of accepted) expect(() => new HmacSchemeVerifier(scheme)).not.toThrow();
  });
});

describe('the signed-content template at startup', () => {
  const base = { header: 'x-sig', algorithm: 'sha256', encoding: 'hex' } as const;
  const problem = (detail: string) => `a signedContent over {id}, {timestamp}, {method}, {url} and {body} that signs {body} (${detail})`;

  it('refuses a template that does not sign the body', () => {
    for (const signedContent of ['', 'v0', '{method}{url}']) {
      expect(() => verifierOf({ ...base, signedContent })).toThrow(problem('it does not sign {body}'));
    }
  });

  it('refuses text in braces that is no field, naming the first', () => {
    expect(() => verifierOf({ ...base, signedContent: '{payload}{body}' })).toThrow(problem('{payload} is no field'));
    expect(() => verifierOf({ ...base, signedContent: '{body}.{} {Body}' })).toThrow(problem('{} is no field'));
  });

  it('accepts literal text around the fields, braces not closing a field included', () => {
    const verifier = verifierOf({ ...base, signedContent: 'v0:{method}:{body}:{' });
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig': hex('key', `v0:POST:${BODY}:{`) }), ['key'])).toEqual({ verified: true });
  });
});
