import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cryptoCalls } from './support/crypto-calls.js';
import { findSignatureComparisons } from './support/signature-comparisons.js';
import { webhookRequest } from './support/webhook-request.js';
import type { HmacAlgorithm, SignatureEncoding } from '../src/utils/signature.js';
import type { SignInput, VerificationResult, WebhookRequest } from '../src/verifiers/webhook-verifier.interface.js';
import { OWN_PROPERTY_TESTS, SCHEME_DESCRIPTIONS, secretFor, urlFor } from './property/scheme-descriptions.js';

// After crypto-calls, so the library links to the counting node:crypto.
const { safeEqual, DIGEST_BYTES } = await import('../src/utils/signature.js');
const { HmacSchemeVerifier } = await import('../src/verifiers/hmac-scheme.verifier.js');
const { BUILT_IN_VERIFIERS } = await import('../src/verifiers/built-in-verifiers.js');

interface Signer {
  sign(input: SignInput): Record<string, string>;
  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult;
}

const HOOK_URL = 'https://example.com/webhooks?tenant=1';
const BODY = '{"id":"evt_1","amount":100}';

beforeEach(() => cryptoCalls.reset());

/** Asserts the verdict is timingSafeEqual's: forcing it false rejects a valid request, forcing it true accepts a forged one. */
function expectVerdictFromTimingSafeEqual(
  verifier: Signer,
  sign: (secret: string) => Record<string, string>,
  { body = BODY, url = HOOK_URL, right = 'right', forged = 'forged' } = {},
): void {
  const request = (secret: string) => webhookRequest(body, sign(secret), url);
  expect(verifier.verify(request(right), [right])).toEqual({ verified: true });
  expect(cryptoCalls.compares.length).toBeGreaterThan(0);
  expect(verifier.verify(request(forged), [right]).verified).toBe(false);

  cryptoCalls.forceCompare = false;
  expect(verifier.verify(request(right), [right]).verified).toBe(false);
  cryptoCalls.forceCompare = true;
  expect(verifier.verify(request(forged), [right])).toEqual({ verified: true });

  expect(cryptoCalls.compares.filter(({ a, b }) => a !== b)).toEqual([]);
}

describe('safeEqual', () => {
  it('checks lengths before timingSafeEqual, so unequal lengths give false and never a throw', () => {
    expect(safeEqual(Buffer.alloc(32), Buffer.alloc(31))).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.alloc(1))).toBe(false);
    expect(cryptoCalls.compares).toEqual([]);
  });

  it('compares equal lengths with timingSafeEqual', () => {
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(cryptoCalls.compares).toEqual([
      { a: 3, b: 3 },
      { a: 3, b: 3 },
    ]);
  });
});

describe.each(['hex', 'base64', 'base64url'] satisfies SignatureEncoding[])('an HMAC scheme in %s', (encoding) => {
  it.each(['sha1', 'sha256', 'sha512'] satisfies HmacAlgorithm[])('compares %s digests only through timingSafeEqual, at digest length', (algorithm) => {
    const verifier = new HmacSchemeVerifier({ header: 'x-signature', algorithm, encoding, prefix: 'v1=', separator: ' ' });
    expectVerdictFromTimingSafeEqual(verifier, (secret) => verifier.sign({ secret, body: BODY }));
    expect(cryptoCalls.compares.every(({ a }) => a === DIGEST_BYTES[algorithm])).toBe(true);
  });
});

describe.each(Object.keys(BUILT_IN_VERIFIERS).filter((scheme) => !Object.hasOwn(OWN_PROPERTY_TESTS, scheme)))('built-in scheme %s', (scheme) => {
  const verifier = new BUILT_IN_VERIFIERS[scheme as keyof typeof BUILT_IN_VERIFIERS]() as Signer;
  // A scheme missing from the descriptions fails here and in the property tests.
  const variants = SCHEME_DESCRIPTIONS[scheme] ?? [];

  it('is described in test/property/scheme-descriptions.ts', () => expect(variants).not.toEqual([]));

  it.each(variants.map((variant) => [variant.name, variant] as const))('takes its verdict from timingSafeEqual (%s)', (_name, variant) => {
    const body = variant.body === 'form' ? 'CallSid=CA1&From=%2B1415&Body=hi' : BODY;
    const url = urlFor(variant, HOOK_URL, body);
    expectVerdictFromTimingSafeEqual(
      verifier,
      (secret) => {
        const headers = verifier.sign({ secret, body, url, format: variant.format });
        for (const name of variant.omit ?? []) delete headers[name];
        return variant.body === 'form' ? { 'content-type': 'application/x-www-form-urlencoded', ...headers } : headers;
      },
      { body, url, right: secretFor(variant, 'right'), forged: secretFor(variant, 'forged') },
    );
  });
});

describe('no signature is compared any other way in src/', () => {
  // Under mutation testing this file runs in a sandbox whose sources carry the mutants; the scan reads the project's own.
  const SRC = fileURLToPath(new URL('../src', import.meta.url)).replace(/[\\/]\.stryker-tmp[\\/]sandbox-[^\\/]+/, '');
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));

  /** Comparisons the scanner reports that are not of signature bytes, each with why. Anything else it finds fails. */
  const ALLOWED: readonly { file: string; text: string; why: string }[] = [
    {
      file: 'src/verifiers/standard-webhooks.verifier.ts',
      text: "signatures === 'unknown_key_version'",
      why: 'parseSignatures returns the decoded signatures or a reason code; this tests for the code, never a signature',
    },
    {
      file: 'src/verifiers/standard-webhooks.verifier.ts',
      text: "signatures === 'malformed_header'",
      why: 'as above',
    },
    {
      file: 'src/verifiers/hmac-scheme.verifier.ts',
      text: "secretEncoding === 'utf8'",
      why: "the description's secretEncoding field, a configuration value, not a secret",
    },
    {
      file: 'src/verifiers/hmac-scheme.verifier.ts',
      text: 'SECRET_ENCODINGS.includes(scheme.secretEncoding)',
      why: 'startup validation of the secretEncoding field',
    },
    {
      file: 'src/verifiers/token-scheme.verifier.ts',
      text: "secret.includes(':')",
      why: 'checkSecret, at startup: whether a configured Basic secret is written user:password; never on a request',
    },
    {
      file: 'src/verifiers/token-scheme.verifier.ts',
      text: "secret === ':'",
      why: 'checkSecret, at startup: a configured Basic secret that names neither user nor password; never on a request',
    },
    {
      file: 'src/cli/run-cli.ts',
      text: 'headers[name] === secret',
      why: 'the CLI finding which header it signed carries the secret itself, to print a variable in its place; no request is verified',
    },
  ];

  it('scans the library sources', () => {
    expect(files).toEqual(expect.arrayContaining(['utils/signature.ts', 'verifiers/hmac-scheme.verifier.ts', 'verifiers/form-post.verifier.ts']));
  });

  it('finds no ===, !==, switch, equals, compare or includes on a signature, digest or secret, and no bare timingSafeEqual', () => {
    const findings = files
      .flatMap((file) => findSignatureComparisons(`src/${file}`, readFileSync(join(SRC, file), 'utf8')))
      .filter((finding) => !ALLOWED.some((allowed) => finding.file === allowed.file && finding.text === allowed.text));
    expect(findings).toEqual([]);
  });

  it.each([
    'if (digest === header) return VERIFIED;',
    'return expected !== signature;',
    "if (hmac(a, b, c).toString('hex') === value) ok();",
    "const ok = mac.digest('hex') == received;",
    "if (computed.toString('base64url') != sig) fail();",
    'switch (signature) { case x: break; }',
    'return expectedSignature.equals(received);',
    'return Buffer.compare(digest, candidate) === 0;',
    'return signatures.includes(expected);',
    "import { timingSafeEqual } from 'node:crypto'; timingSafeEqual(a, b);",
  ])('catches a planted violation: %s', (code) => {
    expect(findSignatureComparisons('src/verifiers/planted.verifier.ts', code)).not.toEqual([]);
  });

  it.each([
    'if (header === undefined) return rejected("missing_header");',
    'return signature.trim().length === SHA1_HEX_LENGTH;',
    "if (typeof secret === 'string' && secret !== '') ok();",
    "if (result.reason === 'no_matching_signature') log();",
    'return a.length === b.length && timingSafeEqual(a, b);',
  ])('lets a public comparison pass: %s', (code) => {
    expect(findSignatureComparisons('src/utils/signature.ts', code)).toEqual([]);
  });
});
