import { jest } from '@jest/globals';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { startKeyServer, type KeyServer } from '../../test/support/key-server.js';
import { webhookRequest } from '../../test/support/webhook-request.js';
import { PlaidSandboxVerifier, PlaidVerifier } from './plaid.verifier.js';

// Built by the steps of Plaid's "Verify webhooks" page: an ES256 JWT whose
// header names the key (`kid`), whose claims hold `iat` and the hex SHA-256
// of the body, and a JWK from /webhook_verification_key/get. Plaid's key
// cannot be used offline: a local key server serves the test's own key.
const CREDENTIALS = 'client-5f0c:secret-9a1b';
const NOW = 1_780_000_000;
const BODY = '{\n  "webhook_type": "TRANSACTIONS",\n  "webhook_code": "SYNC_UPDATES_AVAILABLE",\n  "item_id": "wz666MBjYWTp2PDzzggYhM6oWWmBb"\n}';
const KEY_PATH = '/webhook_verification_key/get';

function keyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), alg: 'ES256', kid, use: 'sig', created_at: NOW - 86_400, expired_at: null };
  return { privateKey, response: JSON.stringify({ key: jwk, request_id: 'req-1' }) };
}

function jwt(
  kid: unknown,
  privateKey: ReturnType<typeof keyPair>['privateKey'],
  claims: Record<string, unknown> | unknown[],
  header: Record<string, unknown> = {},
): string {
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${segment({ alg: 'ES256', kid, typ: 'JWT', ...header })}.${segment(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

describe('PlaidVerifier, with keys from a key server on 127.0.0.1', () => {
  let server: KeyServer;
  let verifier: PlaidVerifier;
  const first = keyPair('bfbd5111-8e33-4643-8ced-b2e642a72f3c');
  const claims = (body = BODY, iat = NOW) => ({ iat, request_body_sha256: createHash('sha256').update(body).digest('hex') });
  const verify = (body: string, token: string, secrets = [CREDENTIALS]) => verifier.verify(webhookRequest(body, { 'plaid-verification': token }), secrets);

  beforeEach(async () => {
    server = await startKeyServer();
    server.routes.set(KEY_PATH, { body: first.response });
    verifier = new PlaidVerifier({ clock: () => NOW * 1000, keyOrigins: [server.origin] });
  });
  afterEach(() => server.close());

  it('verifies a signed body, asking for the key once with the credentials and the kid', async () => {
    const token = jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims());
    await expect(verify(BODY, token)).resolves.toEqual({ verified: true });
    await expect(verify(BODY, token)).resolves.toEqual({ verified: true });
    expect(server.hits.get(KEY_PATH)).toBe(1);
    expect(JSON.parse(server.bodies[0]!)).toEqual({ client_id: 'client-5f0c', secret: 'secret-9a1b', key_id: 'bfbd5111-8e33-4643-8ced-b2e642a72f3c' });
  });

  it('looks up a new kid when Plaid rotates its key', async () => {
    await verify(BODY, jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims()));
    const next = keyPair('kid-2');
    server.routes.set(KEY_PATH, { body: next.response });
    await expect(verify(BODY, jwt('kid-2', next.privateKey, claims()))).resolves.toEqual({ verified: true });
    expect(server.hits.get(KEY_PATH)).toBe(2);
  });

  it('rejects an unknown kid, and a token signed by another key under a known kid', async () => {
    server.routes.set(KEY_PATH, { body: '{"error_code":"INVALID_FIELD"}', status: 400 });
    await expect(verify(BODY, jwt('kid-unknown', first.privateKey, claims()))).resolves.toEqual({ verified: false, reason: 'key_unavailable' });
    server.routes.set(KEY_PATH, { body: first.response });
    const forger = keyPair('bfbd5111-8e33-4643-8ced-b2e642a72f3c');
    await expect(verify(BODY, jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', forger.privateKey, claims()))).resolves.toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
  });

  it('rejects a body that does not match request_body_sha256, and an iat over 5 minutes old', async () => {
    const token = jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims());
    await expect(verify(BODY.replace('SYNC', 'SINK'), token)).resolves.toEqual({ verified: false, reason: 'no_matching_signature' });
    const old = jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims(BODY, NOW - 301));
    await expect(verify(BODY, old)).resolves.toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('rejects malformed tokens and other algorithms before any key lookup', async () => {
    const none = `${Buffer.from('{"alg":"none","kid":"k"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    for (const token of ['x', 'a.b.c', none, `${'a'.repeat(3000)}.b.c`, jwt('', first.privateKey, claims())]) {
      await expect(verify(BODY, token)).resolves.toMatchObject({ verified: false });
    }
    expect(server.hits.size).toBe(0);
  });

  it('answers key_unavailable when the key server is down', async () => {
    const token = jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims());
    await server.close();
    await expect(verify(BODY, token)).resolves.toEqual({ verified: false, reason: 'key_unavailable' });
  });

  const KID = 'bfbd5111-8e33-4643-8ced-b2e642a72f3c';

  it('asks for the key with a JSON POST, and reads a token with surrounding blanks', async () => {
    await expect(verify(BODY, ` ${jwt(KID, first.privateKey, claims())} `)).resolves.toEqual({ verified: true });
    expect(server.requests).toEqual([{ method: 'POST', contentType: 'application/json' }]);
  });

  it('reads a token of up to 2048 characters', async () => {
    // Padding in the claims brings the token to the limit; the header's typ moves it by a character where needed.
    const sized = (length: number) => {
      for (const typ of ['JWT', 'JWTx', 'JWTxx']) {
        for (let pad = 0; pad < 2048; pad++) {
          const token = jwt(KID, first.privateKey, { ...claims(), pad: 'p'.repeat(pad) }, { typ });
          if (token.length === length) return token;
          if (token.length > length) break;
        }
      }
      throw new Error(`no token of ${length} characters`);
    };
    await expect(verify(BODY, sized(2048))).resolves.toEqual({ verified: true });
    await expect(verify(BODY, sized(2049))).resolves.toEqual({ verified: false, reason: 'malformed_header' });
  });

  it('rejects, before any key lookup, a token of another algorithm, a kid that is not a string, and claims that are not Plaid’s', async () => {
    for (const token of [
      jwt(KID, first.privateKey, claims(), { alg: 'HS256' }),
      jwt(7, first.privateKey, claims()),
      jwt(KID, first.privateKey, [claims()]),
      jwt(KID, first.privateKey, { ...claims(), iat: String(NOW) }),
      jwt(KID, first.privateKey, { iat: NOW }),
      `${Buffer.from('[1]').toString('base64url')}.${jwt(KID, first.privateKey, claims()).split('.').slice(1).join('.')}`,
      `${jwt(KID, first.privateKey, claims()).split('.')[0]}.bm90IGpzb24.${jwt(KID, first.privateKey, claims()).split('.')[2]}`,
    ]) {
      await expect(verify(BODY, token)).resolves.toEqual({ verified: false, reason: 'malformed_header' });
    }
    expect(server.hits.size).toBe(0);
  });

  it('accepts an iat up to 5 minutes old or up to the tolerance ahead, and refuses one beyond either without a key lookup', async () => {
    for (const iat of [NOW - 300, NOW + 300]) await expect(verify(BODY, jwt(KID, first.privateKey, claims(BODY, iat)))).resolves.toEqual({ verified: true });
    expect(server.hits.get(KEY_PATH)).toBe(1);
    server.routes.delete(KEY_PATH);
    for (const iat of [NOW - 301, NOW + 301]) {
      await expect(verify(BODY, jwt('kid-other', first.privateKey, claims(BODY, iat)))).resolves.toEqual({
        verified: false,
        reason: 'timestamp_out_of_tolerance',
      });
    }
    expect(server.hits.get(KEY_PATH)).toBe(1);
  });

  it('rejects a signed request_body_sha256 that is not a hex SHA-256, without throwing', async () => {
    for (const hash of ['', 'zz'.repeat(32), createHash('sha256').update(BODY).digest('base64')]) {
      await expect(verify(BODY, jwt(KID, first.privateKey, { iat: NOW, request_body_sha256: hash }))).resolves.toEqual({
        verified: false,
        reason: 'no_matching_signature',
      });
    }
  });

  it('rejects every request, without a key lookup, when the secret is not client_id:secret', async () => {
    for (const secrets of [[], ['no-colon']]) {
      await expect(verify(BODY, jwt(KID, first.privateKey, claims()), secrets)).resolves.toEqual({ verified: false, reason: 'no_matching_signature' });
    }
    expect(server.hits.size).toBe(0);
  });

  it('refuses a key that is not a live P-256 key (key_unavailable)', async () => {
    const jwk = JSON.parse(first.response).key;
    for (const key of [
      { ...jwk, expired_at: NOW - 60 },
      { ...jwk, kty: 'RSA' },
      { ...jwk, crv: 'P-384' },
      { ...jwk, x: 1 },
      { ...jwk, y: null },
      { ...jwk, x: 'AAAA' },
    ]) {
      const local = new PlaidVerifier({ clock: () => NOW * 1000, keyOrigins: [server.origin] });
      server.routes.set(KEY_PATH, { body: JSON.stringify({ key }) });
      await expect(local.verify(webhookRequest(BODY, { 'plaid-verification': jwt(KID, first.privateKey, claims()) }), [CREDENTIALS])).resolves.toEqual({
        verified: false,
        reason: 'key_unavailable',
      });
    }
    server.routes.set(KEY_PATH, { body: 'not json' });
    await expect(verify(BODY, jwt(KID, first.privateKey, claims()))).resolves.toEqual({ verified: false, reason: 'key_unavailable' });
  });

  it('rejects a request without the Plaid-Verification header', async () => {
    await expect(verifier.verify(webhookRequest(BODY, {}), [CREDENTIALS])).resolves.toEqual({ verified: false, reason: 'missing_header' });
  });

  it('accepts a key response without expired_at', async () => {
    const { expired_at: _, ...live } = JSON.parse(first.response).key;
    server.routes.set(KEY_PATH, { body: JSON.stringify({ key: live }) });
    await expect(verify(BODY, jwt(KID, first.privateKey, claims()))).resolves.toEqual({ verified: true });
  });

  it("asks Plaid's production host, or the Sandbox's, when no keyOrigins are set", async () => {
    // Plaid's hosts cannot be reached from a test: fetch answers 503 in their place, and the test reads which URL it was given.
    const fetched = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('', { status: 503 }));
    try {
      const request = webhookRequest(BODY, { 'plaid-verification': jwt(KID, first.privateKey, claims()) });
      for (const plaid of [new PlaidVerifier({ clock: () => NOW * 1000 }), new PlaidSandboxVerifier({ clock: () => NOW * 1000 })]) {
        await expect(plaid.verify(request, [CREDENTIALS])).resolves.toEqual({ verified: false, reason: 'key_unavailable' });
      }
      expect(fetched.mock.calls.map(([url]) => url)).toEqual([
        'https://production.plaid.com/webhook_verification_key/get',
        'https://sandbox.plaid.com/webhook_verification_key/get',
      ]);
    } finally {
      fetched.mockRestore();
    }
  });

  it('keys replay on a hash of the signed claims: the same body signed at another time is another delivery', () => {
    const token = jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims());
    const id = verifier.deliveryId(webhookRequest(BODY, { 'plaid-verification': token }));
    expect(id).toMatch(/^signed:/);
    // Another signature of the same claims (ECDSA signs with a fresh nonce), padded with spaces, is the same delivery.
    const respelt = `${token.slice(0, token.lastIndexOf('.'))}.${jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims()).split('.')[2]}`;
    expect(verifier.deliveryId(webhookRequest(BODY, { 'plaid-verification': ` ${respelt} ` }))).toBe(id);
    const later = jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims(BODY, NOW + 60));
    expect(verifier.deliveryId(webhookRequest(BODY, { 'plaid-verification': later }))).not.toBe(id);
    const other = jwt('bfbd5111-8e33-4643-8ced-b2e642a72f3c', first.privateKey, claims(BODY.replace('SYNC', 'SINK')));
    expect(verifier.deliveryId(webhookRequest(BODY, { 'plaid-verification': other }))).not.toBe(id);
    expect(verifier.deliveryId(webhookRequest(BODY, {}))).toBeUndefined();
  });

  it('names no event when the body lacks the type or the code', () => {
    expect(verifier.eventType(webhookRequest('{"webhook_type":"TRANSACTIONS"}', {}))).toBeUndefined();
    expect(verifier.eventType(webhookRequest('{"webhook_code":"SYNC_UPDATES_AVAILABLE"}', {}))).toBeUndefined();
  });

  it('checks the credentials format at startup and names the event from the signed body', () => {
    expect(verifier.checkSecret(CREDENTIALS)).toBeUndefined();
    for (const bad of ['no-colon', ':secret', 'client:']) expect(verifier.checkSecret(bad)).toMatch(/your Plaid API keys as '<client_id>:<secret>'/);
    expect(verifier.eventType(webhookRequest(BODY, {}))).toBe('TRANSACTIONS.SYNC_UPDATES_AVAILABLE');
  });
});
