import fc from 'fast-check';
import { cryptoCalls } from '../support/crypto-calls.js';
import { configureFastCheck } from '../support/fast-check-seed.js';
import { webhookRequest } from '../support/webhook-request.js';
import { MAX_SIGNATURES_PER_HEADER } from '../../src/utils/headers.js';
import { MAX_FORM_BYTES } from '../../src/verifiers/form-post.verifier.js';
import type { SignInput, VerificationFailureReason, VerificationResult, WebhookRequest } from '../../src/verifiers/webhook-verifier.interface.js';
import { OWN_PROPERTY_TESTS, SCHEME_DESCRIPTIONS, secretFor, urlFor, type HeaderValue, type SchemeVariant } from './scheme-descriptions.js';

// After crypto-calls, so the library links to the counting node:crypto.
const { BUILT_IN_VERIFIERS } = await import('../../src/verifiers/built-in-verifiers.js');

configureFastCheck('verifier properties');

const NOW = Date.UTC(2026, 0, 15, 12);
const ONE_MIB = 1024 * 1024;
const REASONS: readonly VerificationFailureReason[] = [
  'missing_header',
  'malformed_header',
  'no_matching_signature',
  'timestamp_out_of_tolerance',
  'unknown_key_version',
];

type Headers = Record<string, string>;
/** Built-in verifiers sign, and verify synchronously. */
interface Signer {
  sign(input: SignInput): Headers;
  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult;
}

const textSecretArb = fc.string({ unit: 'binary', minLength: 1, maxLength: 64 });
const whsecSecretArb = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((key) => `whsec_${Buffer.from(key).toString('base64')}`);
const secretArb = (variant: SchemeVariant) => (variant.secret === 'whsec' ? whsecSecretArb : textSecretArb);
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 512 }).map((text) => Buffer.from(text)),
);
const jsonArb = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue())).map((value) => Buffer.from(JSON.stringify(value)));
// As the vendors send a form: a plain first name (AccountSid), any names after it, and no pair twice.
const formArb = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('CallSid', 'From', 'Body', 'a', 'A'),
        fc.string({ unit: 'grapheme', maxLength: 12 }).map((name) => `x${name}`),
      ),
      fc.string({ unit: 'grapheme', maxLength: 24 }),
    ),
    { maxLength: 8 },
  )
  .map((pairs): [string, string][] => [['AccountSid', 'AC1'], ...new Map(pairs.map((pair) => [pair.join('\u0000'), pair])).values()])
  .map((pairs) => Buffer.from(new URLSearchParams(pairs).toString()));
const urlArb = fc.webUrl({ withQueryParameters: true });
const offsetSecondsArb = fc.integer({ min: -290, max: 290 });

/** Body bytes the variant can sign: any bytes, or an urlencoded form. */
const bodyArb = (variant: SchemeVariant, minLength = 0) =>
  (variant.body === 'form' ? formArb : variant.body === 'json' ? jsonArb : bytesArb).filter((body) => body.length >= minLength);

/**
 * HMAC pads a short key with zero bytes, and text secrets go in as UTF-8, so
 * `'k'` and `'k\0'` (or two lone surrogates) are the same key. Only different
 * keys can be expected to fail.
 */
const sameHmacKey = (variant: SchemeVariant, a: string, b: string) => {
  const key = (secret: string) =>
    (variant.secret === 'whsec' ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret)).toString('hex').replace(/(00)+$/, '');
  return key(a) === key(b);
};

/**
 * True when `new URL()` writes `changed` as exactly the URL that was signed
 * (`HTTP://` for `http://`, say), without changing its path (`\` for `/`):
 * the route a request reached must be the one signed.
 */
const normalisesTo = (changed: string, signed: string) => {
  const path = (url: string) => /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1];
  try {
    return new URL(changed).href === signed && path(changed) === path(signed);
  } catch {
    return false;
  }
};

/** Where a header value's located part starts and ends. */
function locate(value: string, pattern: RegExp | undefined): { start: number; end: number } {
  const match = pattern?.exec(value);
  if (!pattern) return { start: 0, end: value.length };
  if (!match?.[1]) throw new Error(`${pattern} does not find its value in ${value}`);
  const start = match.index + match[0].indexOf(match[1]);
  return { start, end: start + match[1].length };
}

/**
 * What the form scheme signs after the URL: the decoded keys in sorted order,
 * each followed by its value, with no delimiter. Two bodies with the same text
 * (`a=bc` and `ab=c`, `%2a` and `%2A`) share a signature by the vendor's design.
 */
const formSignedText = (body: Buffer): string | undefined => {
  // Bytes that are not UTF-8, or a percent-escape that does not decode to UTF-8, are no form the scheme reads.
  const text = body.toString('utf8');
  if (!Buffer.from(text).equals(body)) return undefined;
  try {
    decodeURIComponent(text);
  } catch {
    return undefined;
  }
  // The leading '&' keeps URLSearchParams from dropping a leading '?', which is part of the first name.
  const params = [...new URLSearchParams(`&${text}`)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // A first name that is not plain, or a pair sent twice, is no form the scheme reads either.
  if (params.length > 0 && !/^[A-Za-z0-9_.]+$/.test(params[0]![0])) return undefined;
  if (new Set(params.map((pair) => pair.join('\u0000'))).size !== params.length) return undefined;
  return params.map(([key, value]) => key + value).join('');
};

/** Deterministic bytes from a seed (xorshift32), for bodies too large to generate byte by byte. */
function seededBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed | 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

function flipBit(bytes: Buffer, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[(bit >> 3) % copy.length]! ^= 1 << (bit & 7);
  return copy;
}

/** Flips one of the low seven bits of one character of `text`, between `start` and `end`. */
function flipCharBit(text: string, bit: number, { start, end } = { start: 0, end: text.length }): string {
  const index = start + ((bit >> 3) % (end - start));
  return text.slice(0, index) + String.fromCharCode(text.charCodeAt(index) ^ (1 << (bit % 7))) + text.slice(index + 1);
}

describe.each(Object.keys(BUILT_IN_VERIFIERS).filter((scheme) => !Object.hasOwn(OWN_PROPERTY_TESTS, scheme)))('%s', (scheme) => {
  const variants = SCHEME_DESCRIPTIONS[scheme];
  if (!variants) {
    it('is described for the property tests', () => {
      throw new Error(
        `The built-in scheme '${scheme}' is not described in test/property/scheme-descriptions.ts, so no property covers it. ` +
          `Add SCHEME_DESCRIPTIONS.${scheme}: what it signs (body, id, timestamp, url), its body format (bytes or form) and where its signature is.`,
      );
    });
    return;
  }

  const verifier = new BUILT_IN_VERIFIERS[scheme as keyof typeof BUILT_IN_VERIFIERS]({ clock: () => NOW }) as Signer;

  describe.each(variants.map((variant) => [variant.name, variant] as const))('%s', (_name, variant) => {
    const sign = (secret: string, body: Buffer, url: string, offsetSeconds = 0): Headers => {
      const timestamp = new Date(NOW + offsetSeconds * 1000);
      const headers = verifier.sign({ secret, body, url, timestamp, format: variant.format });
      for (const name of variant.omit ?? []) delete headers[name];
      // A form is read as one only when sent as such.
      return variant.body === 'form' ? { 'content-type': 'application/x-www-form-urlencoded', ...headers } : headers;
    };
    const verify = (body: Buffer, headers: Record<string, string | string[]>, url: string, secrets: string[]) =>
      verifier.verify(webhookRequest(body, headers, url), secrets);
    const { header, encoding, pattern, separator } = variant.signature;
    const secrets = secretArb(variant);
    const readDigest = (headers: Headers) => {
      const { start, end } = locate(headers[header]!, pattern);
      return Buffer.from(headers[header]!.slice(start, end), encoding);
    };
    /** The signature header with `count` entries whose digest is `digest`, in place of the signed one. */
    const withDigest = (headers: Headers, digest: Buffer, count = 1): Headers => {
      const value = headers[header]!;
      const { start, end } = locate(value, pattern);
      const match = pattern?.exec(value);
      const entryStart = match?.index ?? 0;
      const entryEnd = match ? entryStart + match[0].length : value.length;
      const entry = value.slice(entryStart, start) + digest.toString(encoding) + value.slice(end, entryEnd);
      const entries = Array.from({ length: count }, () => entry).join(separator ?? ', ');
      return { ...headers, [header]: value.slice(0, entryStart) + entries + value.slice(entryEnd) };
    };
    const flipIn = (headers: Headers, where: HeaderValue, bit: number): Headers => {
      const value = headers[where.header]!;
      return { ...headers, [where.header]: flipCharBit(value, bit, locate(value, where.pattern)) };
    };

    it('verifies what it signs, for any secret, body bytes and URL', () => {
      fc.assert(
        fc.property(secrets, bodyArb(variant), urlArb, offsetSecondsArb, (secret, body, base, offset) => {
          const url = urlFor(variant, base, body);
          expect(verify(body, sign(secret, body, url, offset), url, [secret])).toEqual({ verified: true });
        }),
      );
    });

    // A form post's limit is MAX_FORM_BYTES; every other body's, the default maxBodyBytes.
    const largest = variant.body === 'form' ? MAX_FORM_BYTES : ONE_MIB;
    it(`verifies a body of ${largest} bytes`, () => {
      fc.assert(
        fc.property(secrets, fc.integer(), urlArb, (secret, seed, base) => {
          const body =
            variant.body === 'form'
              ? Buffer.from(`AccountSid=${seededBytes(Math.floor((MAX_FORM_BYTES - 'AccountSid='.length) / 2), seed).toString('hex')}`)
              : variant.body === 'json'
                ? Buffer.from(JSON.stringify([seededBytes(ONE_MIB, seed).toString('base64')]))
                : seededBytes(ONE_MIB, seed);
          const url = urlFor(variant, base, body);
          expect(body.length).toBeGreaterThanOrEqual(largest - 2);
          expect(body.length).toBeLessThanOrEqual(variant.body === 'form' ? MAX_FORM_BYTES : Infinity);
          expect(verify(body, sign(secret, body, url), url, [secret])).toEqual({ verified: true });
        }),
        { numRuns: 3 },
      );
    });

    const signedParts = new Set<string>(variant.signs);
    const changes = ['body', 'signature', 'url', ...(variant.timestamp ? ['timestamp'] : []), ...(variant.id ? ['id'] : [])];
    it.each(changes)(`rejects a single-bit change of the %s, unless the scheme does not sign it (it signs: ${variant.signs.join(', ')})`, (part) => {
      fc.assert(
        fc.property(secrets, bodyArb(variant, 1), urlArb, offsetSecondsArb, fc.nat(), (secret, sent: Buffer, base, offset, bit) => {
          let body = sent;
          let url = urlFor(variant, base, body);
          let headers = sign(secret, body, url, offset);
          let expected = !signedParts.has(part) && part !== 'signature';
          if (part === 'body') {
            const changed = flipBit(body, bit);
            if (variant.body === 'form') expected = formSignedText(changed) !== undefined && formSignedText(changed) === formSignedText(body);
            body = changed;
          } else if (part === 'signature') {
            headers = withDigest(headers, flipBit(readDigest(headers), bit));
          } else if (part === 'url') {
            const changed = flipCharBit(url, bit);
            if (signedParts.has('url') && variant.urlNormalized) expected = normalisesTo(changed, url);
            url = changed;
          } else {
            headers = flipIn(headers, part === 'id' ? variant.id! : variant.timestamp!, bit);
          }
          expect(verify(body, headers, url, [secret]).verified).toBe(expected);
        }),
      );
    });

    it('rejects a request signed with another secret, and accepts it when that secret is also configured', () => {
      fc.assert(
        fc.property(secrets, secrets, bodyArb(variant), urlArb, (secret, other, body, base) => {
          fc.pre(!sameHmacKey(variant, secret, other));
          const url = urlFor(variant, base, body);
          const headers = sign(other, body, url);
          expect(verify(body, headers, url, [secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
          expect(verify(body, headers, url, [secret, other])).toEqual({ verified: true });
        }),
      );
    });

    const junkArb = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)), maxLength: 40 }),
      // About 16 KB: the most a header carries under Node's default limit.
      fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.nat()).map(([unit, extra]) => unit.repeat(16 * 1024).slice(0, 16 * 1024 - (extra % 2))),
      fc.constantFrom('', ' ', ',', ', , ,', '=', 'sha256=', 'v0=', 't=1,v1=', 'v1,', 'v1a,' + 'A'.repeat(88), 'v2,x', '0'.repeat(64), 'A'.repeat(44)),
    );
    it('returns a rejection reason, never a throw, for arbitrary header values, duplicated headers included', () => {
      fc.assert(
        fc.property(
          secrets,
          bodyArb(variant),
          urlArb,
          // Extra headers, then for each signed header: junk, duplicated junk, kept, or kept twice.
          fc.dictionary(fc.string({ unit: 'binary', maxLength: 20 }), fc.oneof(junkArb, fc.array(junkArb, { minLength: 2, maxLength: 4 })), {
            maxKeys: 3,
          }),
          fc.array(fc.oneof(junkArb, fc.array(junkArb, { minLength: 2, maxLength: 3 }), fc.constant('keep-signed'), fc.constant('duplicate-signed'))),
          (secret, body, base, extra, choices) => {
            const url = urlFor(variant, base, body);
            const signed = sign(secret, body, url);
            const headers: Record<string, string | string[]> = { ...extra };
            let keptSigned = false;
            Object.entries(signed).forEach(([name, value], i) => {
              const choice = choices[i] ?? 'keep-signed';
              keptSigned ||= choice === 'keep-signed' || choice === 'duplicate-signed';
              headers[name] = choice === 'keep-signed' ? value : choice === 'duplicate-signed' ? [value, value] : choice;
            });
            const result = verify(body, headers, url, [secret]);
            if (result.verified) expect(keptSigned).toBe(true);
            else expect(REASONS).toContain(result.reason);
          },
        ),
      );
    });

    it(`rejects a header listing up to 10,000 signatures after at most ${variant.maxComparesPerSecret} comparison(s) per secret`, () => {
      const length = readDigest(sign(secretFor(variant, 'secret'), Buffer.from('{}'), urlFor(variant, 'https://example.com/', '{}'))).length;
      fc.assert(
        fc.property(
          fc.oneof(
            { arbitrary: fc.integer({ min: 1, max: 2 * MAX_SIGNATURES_PER_HEADER }), weight: 8 },
            { arbitrary: fc.constant(10_000), weight: 1 },
            { arbitrary: fc.integer({ min: 1, max: 10_000 }), weight: 1 },
          ),
          fc.array(secrets, { minLength: 1, maxLength: 3 }),
          (count, configured) => {
            const url = urlFor(variant, 'https://example.com/hook', '{}');
            const signed = sign(secretFor(variant, 'not-configured'), Buffer.from('{}'), url);
            const headers = withDigest(signed, flipBit(Buffer.alloc(length), 0), count);
            cryptoCalls.reset();
            expect(verify(Buffer.from('{}'), headers, url, configured).verified).toBe(false);
            expect(cryptoCalls.compares.length).toBeLessThanOrEqual(variant.maxComparesPerSecret * configured.length);
            if (count > MAX_SIGNATURES_PER_HEADER && !variant.credential) expect(cryptoCalls).toMatchObject({ compares: [], hmacs: 0 });
          },
        ),
      );
    });
  });
});

it('describes only built-in schemes', () => {
  expect(Object.keys(SCHEME_DESCRIPTIONS).filter((name) => !Object.hasOwn(BUILT_IN_VERIFIERS, name))).toEqual([]);
  expect(Object.keys(OWN_PROPERTY_TESTS).filter((name) => !Object.hasOwn(BUILT_IN_VERIFIERS, name) || Object.hasOwn(SCHEME_DESCRIPTIONS, name))).toEqual([]);
});
