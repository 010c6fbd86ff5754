import { createHmac } from 'node:crypto';
import { HmacSchemeVerifier } from '../verifiers/hmac-scheme.verifier.js';
import type { VerifierOptions, WebhookRequest, WebhookVerifier } from '../verifiers/webhook-verifier.interface.js';
import { diagnoseWebhook } from './webhook-diagnosis.js';
import type { WebhookDiagnosisInput } from './webhook-diagnosis.interface.js';
import { STANDARD_WEBHOOKS_WITH_TEXT_SECRET } from '../../test/support/declarative-schemes.js';

// Every signature here is made with node:crypto from the vendor's documented
// algorithm, not with this library's signers.
const hmac = (algorithm: string, key: string | Buffer, content: string, encoding: 'hex' | 'base64') =>
  createHmac(algorithm, key).update(content).digest(encoding);

const SECRET = 'fullup-secret';
const EVENT = { id: 'evt_1', type: 'user.created', note: 'café / ✓', items: [1, 2] };
const PRETTY = JSON.stringify(EVENT, null, 2);
const COMPACT = JSON.stringify(EVENT);

const diagnose = (input: Partial<WebhookDiagnosisInput>) => diagnoseWebhook({ scheme: 'fullup', secret: SECRET, headers: {}, body: '', ...input });
const codes = async (input: Partial<WebhookDiagnosisInput>) => (await diagnose(input)).causes.map((cause) => cause.code);

describe('diagnoseWebhook', () => {
  it('reports a request that verifies as verified, with no cause', async () => {
    const headers = { 'Fullup-Signature': hmac('sha256', SECRET, PRETTY, 'hex') };
    expect(await diagnose({ headers, body: PRETTY })).toEqual({ verified: true, causes: [] });
  });

  describe('a body parsed and serialised again', () => {
    it('finds a pretty-printed signed body given compact: the app hashes parsed JSON', async () => {
      const diagnosis = await diagnose({ headers: { 'fullup-signature': hmac('sha256', SECRET, PRETTY, 'hex') }, body: COMPACT });
      expect(diagnosis).toMatchObject({ verified: false, reason: 'no_matching_signature' });
      expect(diagnosis.causes).toHaveLength(1);
      expect(diagnosis.causes[0]).toMatchObject({ code: 'reserialized_json' });
      expect(diagnosis.causes[0]!.message).toContain('JSON.stringify(body, null, 2)');
      expect(diagnosis.causes[0]!.message).toContain('Your app hashes parsed JSON');
    });

    it('finds a compact signed body given pretty-printed, and Python and PHP layouts', async () => {
      const sign = (content: string) => ({ 'fullup-signature': hmac('sha256', SECRET, content, 'hex') });
      const compact = await diagnose({ headers: sign(COMPACT), body: PRETTY });
      expect(compact.causes[0]!.message).toContain('JSON.stringify(body),');
      const python = '{"id": "evt_1", "type": "user.created", "note": "caf\\u00e9 / \\u2713", "items": [1, 2]}';
      expect((await diagnose({ headers: sign(python), body: PRETTY })).causes[0]!.message).toContain("Python's json.dumps");
      const php = '{"id":"evt_1","type":"user.created","note":"caf\\u00e9 \\/ \\u2713","items":[1,2]}';
      expect((await diagnose({ headers: sign(php), body: PRETTY })).causes[0]!.message).toContain("PHP's json_encode");
    });

    it('finds a final newline the body given gained', async () => {
      expect(await codes({ headers: { 'fullup-signature': hmac('sha256', SECRET, COMPACT, 'hex') }, body: `${COMPACT}\n` })).toEqual(['body_newline']);
    });
  });

  describe('another URL', () => {
    // SignalWire SWML signs hex(HMAC-SHA256(key, url + body)).
    const signalwire = (signedUrl: string, url: string) =>
      diagnose({
        scheme: 'signalwire',
        secret: 'PSK_test',
        url,
        body: COMPACT,
        headers: { 'x-signalwire-sha256-signature': hmac('sha256', 'PSK_test', signedUrl + COMPACT, 'hex') },
      });

    it('finds https signed and http seen, as behind a TLS-terminating proxy', async () => {
      const diagnosis = await signalwire('https://api.example.com/hooks/sw?tenant=7', 'http://api.example.com/hooks/sw?tenant=7');
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['url_variant']);
      expect(diagnosis.causes[0]!.message).toContain('https://api.example.com/hooks/sw?tenant=7 (https instead of http)');
      expect(diagnosis.causes[0]!.message).toContain('publicBaseUrl');
    });

    it('finds a port the app sees and the sender did not sign, combined with the scheme', async () => {
      const diagnosis = await signalwire('https://api.example.com/hooks/sw', 'http://api.example.com:8080/hooks/sw');
      expect(diagnosis.causes[0]!.message).toContain('https://api.example.com/hooks/sw (https instead of http, without the port :8080)');
    });

    it('finds a trailing slash and a dropped query string', async () => {
      const slash = await signalwire('https://api.example.com/hooks/sw/', 'https://api.example.com/hooks/sw');
      expect(slash.causes[0]!.message).toContain('(with a trailing slash)');
      const query = await signalwire('https://api.example.com/hooks/sw', 'https://api.example.com/hooks/sw?tenant=7');
      expect(query.causes[0]!.message).toContain('(without the query string)');
    });
  });

  describe('a timestamp outside the tolerance', () => {
    // Noyo signs hex(HMAC-SHA256(key, `${x-noyo-timestamp}.${body}`)).
    const ARRIVED = Date.parse('2024-05-08T21:40:00.000Z');
    const noyo = (signedAt: string, body = COMPACT, signedBody = body) =>
      diagnose({
        scheme: 'noyo',
        receivedAt: ARRIVED,
        body,
        headers: { 'x-noyo-timestamp': signedAt, 'x-noyo-signature': hmac('sha256', SECRET, `${signedAt}.${signedBody}`, 'hex') },
      });

    it('says how many minutes a stale timestamp is past the tolerance', async () => {
      const diagnosis = await noyo('2024-05-08T21:28:00.000000+00:00');
      expect(diagnosis).toMatchObject({ verified: false, reason: 'timestamp_out_of_tolerance' });
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['timestamp_stale']);
      expect(diagnosis.causes[0]!.message).toContain('12 minutes before the request arrived, 7 minutes outside the tolerance of 5 minutes');
    });

    it('counts in days when a logged request is diagnosed days later without --received-at', async () => {
      const diagnosis = await diagnose({
        scheme: 'noyo',
        receivedAt: ARRIVED + 3 * 86_400_000,
        body: COMPACT,
        headers: { 'x-noyo-timestamp': '2024-05-08T21:40:00Z', 'x-noyo-signature': hmac('sha256', SECRET, `2024-05-08T21:40:00Z.${COMPACT}`, 'hex') },
      });
      expect(diagnosis.causes[0]!.message).toContain('3 days before the request arrived');
    });

    it('tells a timestamp from the future, which is clock skew', async () => {
      const diagnosis = await noyo('2024-05-08T21:50:00.000000+00:00');
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['timestamp_in_future']);
      expect(diagnosis.causes[0]!.message).toContain('10 minutes after the request arrived, 5 minutes outside');
    });

    it('reports the body and the timestamp when both are wrong', async () => {
      expect((await noyo('2024-05-08T21:28:00+00:00', COMPACT, PRETTY)).causes.map((cause) => cause.code)).toEqual(['reserialized_json', 'timestamp_stale']);
    });

    it('says the timestamp is outside the tolerance too when no variant verifies', async () => {
      const diagnosis = await diagnose({
        scheme: 'noyo',
        secret: 'another-secret',
        receivedAt: ARRIVED,
        body: COMPACT,
        headers: { 'x-noyo-timestamp': '2024-05-08T21:28:00Z', 'x-noyo-signature': hmac('sha256', SECRET, `2024-05-08T21:28:00Z.${COMPACT}`, 'hex') },
      });
      expect(diagnosis).toMatchObject({ reason: 'timestamp_out_of_tolerance', causes: [{ code: 'no_variant_matched' }] });
      expect(diagnosis.causes[0]!.message).toContain('The timestamp is outside the tolerance too');
    });

    it('finds no timestamp cause for a signature within the tolerance', async () => {
      expect(await noyo('2024-05-08T21:38:00+00:00')).toEqual({ verified: true, causes: [] });
    });
  });

  describe('another encoding', () => {
    it('finds a hex signature where the scheme reads base64', async () => {
      // Trophy sends base64(HMAC-SHA256(secret, body)).
      const diagnosis = await diagnose({ scheme: 'trophy', body: COMPACT, headers: { 'x-trophy-signature': hmac('sha256', SECRET, COMPACT, 'hex') } });
      expect(diagnosis).toMatchObject({ reason: 'malformed_header', causes: [{ code: 'signature_encoding' }] });
      expect(diagnosis.causes[0]!.message).toContain('written in hex, and the scheme reads base64');
    });

    it('finds another hash algorithm than a declarative scheme names', async () => {
      const scheme = { header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha1=' } as const;
      const diagnosis = await diagnose({ scheme, body: COMPACT, headers: { 'x-acme-signature': `sha1=${hmac('sha1', SECRET, COMPACT, 'hex')}` } });
      expect(diagnosis).toMatchObject({ reason: 'malformed_header', causes: [{ code: 'signature_algorithm' }] });
      expect(diagnosis.causes[0]!.message).toContain("HMAC-SHA1, and the scheme computes HMAC-SHA256: set the scheme's algorithm to 'sha1'");
    });

    it('finds a base64url signature behind a prefix where a custom scheme reads hex', async () => {
      const scheme = (options: VerifierOptions) =>
        new HmacSchemeVerifier({ header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }, options);
      const signature = createHmac('sha256', SECRET).update(COMPACT).digest('base64url');
      const diagnosis = await diagnose({ scheme, body: COMPACT, headers: { 'x-acme-signature': `sha256=${signature}` } });
      expect(diagnosis.causes[0]!.message).toContain('written in base64url, and the scheme reads hex');
    });
  });

  describe('the secret', () => {
    // The Standard Webhooks vector: the key is the base64 decoding of what follows whsec_.
    const STANDARD = {
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      headers: { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330' },
      body: '{"test": 2432232314}',
      signature: 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      receivedAt: 1614265330_000,
    };
    const standardScheme = STANDARD_WEBHOOKS_WITH_TEXT_SECRET;

    it('finds a Standard Webhooks sender checked by a scheme that uses the whsec_ secret as text', async () => {
      const asText = (options: VerifierOptions) => new HmacSchemeVerifier(standardScheme, options);
      const diagnosis = await diagnose({
        scheme: asText,
        secret: STANDARD.secret,
        body: STANDARD.body,
        receivedAt: STANDARD.receivedAt,
        headers: { ...STANDARD.headers, 'webhook-signature': `v1,${STANDARD.signature}` },
      });
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['secret_base64_decoded']);
      expect(diagnosis.causes[0]!.message).toContain('standardwebhooks');
    });

    it('finds a sender that uses the whsec_ secret as text, checked by a scheme that decodes it', async () => {
      // The Standard Webhooks key rule: base64-decode what follows whsec_.
      class DecodingVerifier implements WebhookVerifier {
        private readonly inner: HmacSchemeVerifier;
        constructor(options: VerifierOptions) {
          this.inner = new HmacSchemeVerifier(standardScheme, options);
        }
        verify(request: WebhookRequest, secrets: readonly string[]) {
          const keys = secrets.map((secret) => Buffer.from(secret.replace(/^whsec_/, ''), 'base64'));
          return this.inner.verify(request, keys as unknown as string[]);
        }
      }
      const { id, timestamp } = { id: STANDARD.headers['webhook-id'], timestamp: STANDARD.headers['webhook-timestamp'] };
      const asText = hmac('sha256', STANDARD.secret, `${id}.${timestamp}.${STANDARD.body}`, 'base64');
      const diagnosis = await diagnose({
        scheme: (options) => new DecodingVerifier(options),
        secret: STANDARD.secret,
        body: STANDARD.body,
        receivedAt: STANDARD.receivedAt,
        headers: { ...STANDARD.headers, 'webhook-signature': `v1,${asText}` },
      });
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['secret_used_as_text']);
    });

    it('finds a whsec_ prefix the configured secret lost', async () => {
      const headers = { 'fullup-signature': hmac('sha256', 'whsec_abc123', COMPACT, 'hex') };
      const diagnosis = await diagnose({ secret: 'abc123', headers, body: COMPACT });
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['secret_prefix']);
      expect(diagnosis.causes[0]!.message).toContain('with `whsec_` in front');
    });

    it('finds the trailing newline of a secret read from a file', async () => {
      const diagnosis = await diagnose({ secret: `${SECRET}\n`, body: COMPACT, headers: { 'fullup-signature': hmac('sha256', SECRET, COMPACT, 'hex') } });
      expect(diagnosis.causes.map((cause) => cause.code)).toEqual(['secret_whitespace']);
      expect(diagnosis.causes[0]!.message).toContain('a trailing newline');
    });

    it('points to another secret when no variant verifies', async () => {
      const headers = { 'fullup-signature': hmac('sha256', 'another-secret', COMPACT, 'hex') };
      expect(await codes({ headers, body: COMPACT })).toEqual(['no_variant_matched']);
    });
  });

  it('gives a verdict on bodies that are not JSON, or too deep to write again', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    for (const body of [deep, Buffer.from([0xff, 0xfe, 0x00, 0x7b])]) {
      expect(await codes({ body, headers: { 'fullup-signature': hmac('sha256', 'another-secret', 'x', 'hex') } })).toEqual(['no_variant_matched']);
    }
  });

  it('reports a missing header', async () => {
    expect(await diagnose({ body: COMPACT })).toMatchObject({ reason: 'missing_header', causes: [{ code: 'missing_header' }] });
  });

  it('names the built-in schemes when given an unknown one', async () => {
    await expect(diagnose({ scheme: 'nope' as 'fullup' })).rejects.toThrow(/Built-in schemes: trophy, fullup/);
    await expect(diagnose({ scheme: 'shopfy' as 'fullup' })).rejects.toThrow(
      "Unknown scheme 'shopfy'. Did you mean 'shopify'? Built-in schemes: trophy, fullup",
    );
  });

  it('names the fix for a scheme of null, as JSON may give, and tells a token scheme from an HMAC one by its kind', async () => {
    await expect(diagnose({ scheme: null as never })).rejects.toThrow('A declarative signature scheme needs a header name, or a non-empty list of them.');
    const token = { kind: 'token', header: 'x-hook-token' } as const;
    await expect(diagnose({ scheme: token, headers: { 'x-hook-token': SECRET }, body: COMPACT })).resolves.toMatchObject({ verified: true });
  });
});
