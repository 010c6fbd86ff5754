import { createHmac } from 'node:crypto';
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

  it(`rejects more than ${MAX_SIGNATURES_PER_HEADER} entries across the family`, () => {
    const six = Array.from({ length: 6 }, () => base64('key', BODY)).join(',');
    expect(verifier.verify(webhookRequest(BODY, { 'x-sig-1': six, 'x-sig-2': six }), ['key'])).toEqual(rejected('malformed_header'));
  });
});

describe('{method} and URL decoding', () => {
  const verifier = verifierOf({
    header: 'x-sig',
    algorithm: 'sha256',
    encoding: 'hex',
    signedContent: '{method}{url}{body}',
    urlDecode: ['%3A', '%2F'],
  });
  const request = (url: string, signature: string, method?: string) => ({ ...webhookRequest(BODY, { 'x-sig': signature }, url), method });

  it('signs the method, POST when none is given, and the URL with the listed escapes decoded', () => {
    const signature = hex('key', `PUThttps://example.com/a?u=http://x/y${BODY}`);
    expect(verifier.verify(request('https://example.com/a?u=http%3A%2F%2Fx%2Fy', signature, 'PUT'), ['key'])).toEqual({ verified: true });
    expect(verifier.verify(request('https://example.com/a?u=http%3A%2F%2Fx%2Fy', signature, 'POST'), ['key'])).toEqual(rejected('no_matching_signature'));
    expect(verifier.verify(request('https://example.com/a?u=http%3a%2f%2fx%2fy', signature, 'PUT'), ['key'])).toEqual(rejected('no_matching_signature'));
    const post = hex('key', `POSThttps://example.com/a${BODY}`);
    expect(verifier.verify(request('https://example.com/a', post), ['key'])).toEqual({ verified: true });
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
    ['an event type naming nothing', { eventType: {} }, /eventType as \{ header: '...' \}/],
  ])('stops the app on %s, naming the fix', (_name, change, message) => {
    const create = () => new HmacSchemeVerifier({ ...base, ...change });
    expect(create).toThrow(WebhookSecurityConfigurationError);
    expect(create).toThrow(message);
  });

  it('accepts a delivery id from the signed id header', () => {
    expect(() => new HmacSchemeVerifier({ ...base, signedContent: '{id}.{body}', id: { header: 'x-id' }, deliveryId: { header: 'X-Id' } })).not.toThrow();
  });
});
