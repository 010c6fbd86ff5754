import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { startKeyServer, type KeyServer } from '../../test/support/key-server.js';
import { webhookRequest } from '../../test/support/webhook-request.js';
import { PlaidVerifier } from './plaid.verifier.js';

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

function jwt(kid: string, privateKey: ReturnType<typeof keyPair>['privateKey'], claims: Record<string, unknown>): string {
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${segment({ alg: 'ES256', kid, typ: 'JWT' })}.${segment(claims)}`;
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

  it('checks the credentials format at startup and names the event from the signed body', () => {
    expect(verifier.checkSecret(CREDENTIALS)).toBeUndefined();
    for (const bad of ['no-colon', ':secret', 'client:']) expect(verifier.checkSecret(bad)).toMatch(/client_id/);
    expect(verifier.eventType(webhookRequest(BODY, {}))).toBe('TRANSACTIONS.SYNC_UPDATES_AVAILABLE');
  });
});
