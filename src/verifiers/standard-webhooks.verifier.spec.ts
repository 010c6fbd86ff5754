import { generateKeyPairSync, sign as ed25519Sign, type KeyObject } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { MAX_ED25519_VERIFICATIONS, StandardWebhooksVerifier } from './standard-webhooks.verifier.js';
import { SvixVerifier } from './svix.verifier.js';

// The vector of the standardwebhooks library's own tests ("sign function works").
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = '1614265330';
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const SIGNED_AT_MS = Number(TIMESTAMP) * 1000;

type Headers = Record<string, string | string[]>;
const HEADERS: Headers = { 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': SIGNATURE };

/** An Ed25519 key pair, its public key as a `whpk_` secret, and a `v1a` signer built on node:crypto alone. */
const ed25519 = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const sign = (body: string, id = ID, timestamp = TIMESTAMP, key: KeyObject = privateKey) =>
    `v1a,${ed25519Sign(null, Buffer.from(`${id}.${timestamp}.${body}`), key).toString('base64')}`;
  return { secret: `whpk_${raw.toString('base64')}`, raw, sign };
};

describe('StandardWebhooksVerifier', () => {
  const at = (nowMs: number) => new StandardWebhooksVerifier({ clock: () => nowMs });
  const verifier = at(SIGNED_AT_MS + 10_000);
  const verify = (body: string | Buffer, headers: Headers, secrets = [SECRET], v = verifier) => v.verify(webhookRequest(body, headers), secrets);
  const without = (name: string): Headers => Object.fromEntries(Object.entries(HEADERS).filter(([key]) => key !== name));

  describe("the standardwebhooks library's test cases", () => {
    it('signs the library vector exactly ("sign function works")', () => {
      expect(new Webhook(SECRET).sign(ID, new Date(SIGNED_AT_MS), BODY)).toBe(SIGNATURE);
      expect(verifier.sign({ secret: SECRET, body: BODY, id: ID, timestamp: Number(TIMESTAMP) })).toEqual(HEADERS);
    });

    it('accepts a valid signature, and none with the secret stripped of its whsec_ prefix', () => {
      expect(verify(BODY, HEADERS)).toEqual({ verified: true });
      expect(verify(BODY, HEADERS, [SECRET.slice('whsec_'.length)])).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it('rejects a missing id, timestamp or signature header', () => {
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        expect(verify(BODY, without(name))).toEqual({ verified: false, reason: 'missing_header' });
      }
    });

    it('rejects a timestamp that is not a number', () => {
      expect(verify(BODY, { ...HEADERS, 'webhook-timestamp': 'hello' })).toEqual({ verified: false, reason: 'malformed_header' });
    });

    it('rejects an invalid signature, a truncated one, and an empty one', () => {
      for (const signature of ['v1,dawfeoifkpqwoekfpqoekf', SIGNATURE.slice(0, 8), 'v1,', SIGNATURE.slice(0, -2)]) {
        expect(verify(BODY, { ...HEADERS, 'webhook-signature': signature })).toEqual({ verified: false, reason: 'malformed_header' });
      }
    });

    it('rejects a timestamp 5 minutes and 1 second old or ahead, and accepts exactly 5 minutes', () => {
      for (const offset of [-301_000, 301_000]) {
        expect(verify(BODY, HEADERS, [SECRET], at(SIGNED_AT_MS + offset))).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
      }
      for (const offset of [-300_000, 300_000]) expect(verify(BODY, HEADERS, [SECRET], at(SIGNED_AT_MS + offset))).toEqual({ verified: true });
    });

    it('accepts a list with v2 entries and wrong v1 entries around the valid one', () => {
      const other = 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
      const list = [`v1,${other}`, `v2,${other}`, SIGNATURE, `v1,${other}`].join(' ');
      expect(verify(BODY, { ...HEADERS, 'webhook-signature': list })).toEqual({ verified: true });
      expect(verify(BODY, { ...HEADERS, 'webhook-signature': `v1,${other} v2,${other}` })).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it('verifies an empty payload', () => {
      const headers = verifier.sign({ secret: SECRET, body: '', id: ID, timestamp: TIMESTAMP });
      expect(new Webhook(SECRET).sign(ID, new Date(SIGNED_AT_MS), '')).toBe(headers['webhook-signature']);
      expect(verify('', headers)).toEqual({ verified: true });
      expect(verify(' ', headers)).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it('cannot be given an empty key', () => {
      for (const secret of ['', 'whsec_']) expect(verifier.checkSecret(secret)).toMatch(/whsec_/);
      expect(verify(BODY, HEADERS, ['whsec_'])).toEqual({ verified: false, reason: 'no_matching_signature' });
    });
  });

  describe('cross-checks with the standardwebhooks and svix libraries', () => {
    const body = JSON.stringify({ type: 'invoice.paid', data: { name: 'Zoë 北京 🎉' } });

    it('accepts what both libraries sign', () => {
      const now = new Date(SIGNED_AT_MS);
      for (const signature of [new Webhook(SECRET).sign(ID, now, body), new SvixWebhook(SECRET).sign(ID, now, body)]) {
        expect(verify(body, { ...HEADERS, 'webhook-signature': signature })).toEqual({ verified: true });
      }
    });

    it('signs what both libraries accept, under webhook-* and svix-* names', () => {
      const headers = new StandardWebhooksVerifier().sign({ secret: SECRET, body });
      expect(new Webhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
      const svixHeaders = new SvixVerifier().sign({ secret: SECRET, body });
      expect(Object.keys(svixHeaders).sort()).toEqual(['svix-id', 'svix-signature', 'svix-timestamp']);
      expect(new SvixWebhook(SECRET).verify(body, svixHeaders)).toEqual(JSON.parse(body));
    });
  });

  it('reads the svix-* header names too', () => {
    const svix = { 'svix-id': ID, 'svix-timestamp': TIMESTAMP, 'svix-signature': SIGNATURE };
    expect(verify(BODY, svix)).toEqual({ verified: true });
    expect(verify(BODY, { ...svix, 'svix-id': 'msg_other' })).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, { 'svix-id': ID, 'svix-signature': SIGNATURE })).toEqual({ verified: false, reason: 'missing_header' });
  });

  it('rejects a body with one byte changed, a changed id, and the wrong secret', () => {
    expect(verify(flipByte(BODY), HEADERS)).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, { ...HEADERS, 'webhook-id': 'msg_other' })).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, HEADERS, ['whsec_' + Buffer.from('another secret!!').toString('base64')])).toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
  });

  it('accepts any secret of a rotation', () => {
    const next = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    expect(verify(BODY, HEADERS, [next, SECRET])).toEqual({ verified: true });
  });

  it('rejects svix-* headers without a signature, and a v1 or v1a entry without a comma as malformed, of a known version', () => {
    expect(verify(BODY, { 'svix-id': ID, 'svix-timestamp': TIMESTAMP })).toEqual({ verified: false, reason: 'missing_header' });
    expect(verify(BODY, { ...HEADERS, 'webhook-signature': 'v1' })).toEqual({ verified: false, reason: 'malformed_header' });
    expect(verify(BODY, { ...HEADERS, 'webhook-signature': 'v1a' })).toEqual({ verified: false, reason: 'malformed_header' });
    expect(verify(BODY, { ...HEADERS, 'webhook-signature': 'v1x' })).toEqual({ verified: false, reason: 'unknown_key_version' });
  });

  it('names the secret it needs when asked to sign with something else', () => {
    for (const secret of ['not-a-key', 'whsec_%%%']) {
      expect(() => verifier.sign({ secret, body: BODY })).toThrow('Standard Webhooks signs with a whsec_<base64> secret; a whpk_ public key cannot sign.');
    }
  });

  it('reads a padded whsec_ secret as the standardwebhooks SDK does', () => {
    for (const secret of [`whsec_${Buffer.alloc(16, 7).toString('base64')}`, `whsec_${Buffer.alloc(17, 7).toString('base64')}`]) {
      expect(secret).toMatch(/=$/);
      const signed = { ...HEADERS, 'webhook-signature': new Webhook(secret).sign(ID, new Date(SIGNED_AT_MS), BODY) };
      expect(verify(BODY, signed, [secret])).toEqual({ verified: true });
    }
  });

  it("gives the message id as delivery id, and the body's type as event type", () => {
    expect(verifier.deliveryId(webhookRequest(BODY, HEADERS))).toBe(ID);
    expect(verifier.deliveryId(webhookRequest(BODY, { 'svix-id': 'msg_svix', 'svix-timestamp': TIMESTAMP, 'svix-signature': SIGNATURE }))).toBe('msg_svix');
    expect(verifier.deliveryId(webhookRequest(BODY, { ...HEADERS, 'svix-id': 'msg_svix' }))).toBe(ID);
    expect(verifier.eventType(webhookRequest('{"type":"user.created"}', HEADERS))).toBe('user.created');
  });

  it('rejects a header with no entry of a known version', () => {
    for (const signature of ['v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', 'v1b,abc v0,def', 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=']) {
      expect(verify(BODY, { ...HEADERS, 'webhook-signature': signature })).toEqual({ verified: false, reason: 'unknown_key_version' });
    }
  });

  it('never compares what an earlier request decoded: a signature that does not decode is malformed', () => {
    const broken = `v1,!${SIGNATURE.slice('v1,!'.length)}`;
    expect(verify(BODY, { ...HEADERS, 'webhook-signature': `${SIGNATURE} ${SIGNATURE}` })).toEqual({ verified: true });
    // The same delivery, each signature broken where decoding starts: nothing of the genuine ones may be read again.
    expect(verify(BODY, { ...HEADERS, 'webhook-signature': `${broken} ${broken}` })).toEqual({ verified: false, reason: 'malformed_header' });
    expect(verify(BODY, { ...HEADERS, 'webhook-signature': `${broken} ${SIGNATURE}` })).toEqual({ verified: true });
  });

  it('rejects a list longer than it will compare', () => {
    const list = [...Array.from({ length: 10 }, () => 'v2,x'), SIGNATURE].join(' ');
    expect(verify(BODY, { ...HEADERS, 'webhook-signature': list })).toEqual({ verified: false, reason: 'malformed_header' });
  });

  describe('v1a: Ed25519 with a whpk_ public key', () => {
    const key = ed25519();

    it('accepts a signature made by node:crypto', () => {
      expect(verify(BODY, { ...HEADERS, 'webhook-signature': key.sign(BODY) }, [key.secret])).toEqual({ verified: true });
    });

    it('rejects a changed body, a changed timestamp, and another key pair', () => {
      const headers = { ...HEADERS, 'webhook-signature': key.sign(BODY) };
      expect(verify(flipByte(BODY), headers, [key.secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(BODY, { ...headers, 'webhook-timestamp': String(Number(TIMESTAMP) + 1) }, [key.secret])).toMatchObject({ verified: false });
      expect(verify(BODY, headers, [ed25519().secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it('mixes with v1: whsec_ and whpk_ secrets together, v1 and v1a entries together', () => {
      const mixed = { ...HEADERS, 'webhook-signature': `${key.sign(BODY)} ${SIGNATURE}` };
      expect(verify(BODY, mixed, [key.secret])).toEqual({ verified: true });
      expect(verify(BODY, mixed, [SECRET])).toEqual({ verified: true });
      expect(verify(BODY, { ...HEADERS, 'webhook-signature': key.sign(BODY) }, [SECRET, key.secret])).toEqual({ verified: true });
      expect(verify(BODY, HEADERS, [key.secret, SECRET])).toEqual({ verified: true });
    });

    it('does not check a v1a signature against a whsec_ secret, nor a v1 against a whpk_ key', () => {
      expect(verify(BODY, { ...HEADERS, 'webhook-signature': key.sign(BODY) }, [SECRET])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(BODY, HEADERS, [key.secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
    });

    it(`checks at most MAX_ED25519_VERIFICATIONS (${MAX_ED25519_VERIFICATIONS}) signature and key pairs per request`, () => {
      const other = ed25519();
      const decoys = Array.from({ length: MAX_ED25519_VERIFICATIONS - 1 }, () => other.sign(BODY));
      const within = { ...HEADERS, 'webhook-signature': [...decoys, key.sign(BODY)].join(' ') };
      expect(verify(BODY, within, [key.secret])).toEqual({ verified: true });
      const past = { ...HEADERS, 'webhook-signature': [...decoys, other.sign(BODY), key.sign(BODY)].join(' ') };
      expect(verify(BODY, past, [key.secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
      // The bound is per request, across keys: two keys and three signatures are six pairs.
      const three = { ...HEADERS, 'webhook-signature': [other.sign(BODY), other.sign(BODY), key.sign(BODY)].join(' ') };
      expect(verify(BODY, three, [ed25519().secret, key.secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(BODY, three, [key.secret])).toEqual({ verified: true });
    });

    it('rejects a truncated v1a signature', () => {
      const signature = key.sign(BODY);
      expect(verify(BODY, { ...HEADERS, 'webhook-signature': signature.slice(0, -4) }, [key.secret])).toEqual({ verified: false, reason: 'malformed_header' });
    });

    it('cannot sign with a public key', () => {
      expect(() => verifier.sign({ secret: key.secret, body: BODY })).toThrow(TypeError);
    });
  });

  describe('checkSecret, called at startup', () => {
    const key = ed25519();

    it('accepts whsec_ secrets and whpk_ Ed25519 keys', () => {
      for (const secret of [SECRET, key.secret]) expect(verifier.checkSecret(secret)).toBeUndefined();
    });

    it('refuses a bare base64 key, which could be a public key missing its whpk_, naming the fix', () => {
      for (const secret of [SECRET.slice('whsec_'.length), key.secret.slice('whpk_'.length)]) {
        expect(verifier.checkSecret(secret)).toMatch(/add the prefix/);
      }
    });

    it('accepts unpadded base64 after whsec_, with the key the standardwebhooks and svix SDKs read', () => {
      for (const secret of ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS']) {
        expect(verifier.checkSecret(secret)).toBeUndefined();
        const signed = { ...HEADERS, 'webhook-signature': new Webhook(secret).sign(ID, new Date(SIGNED_AT_MS), BODY) };
        expect(verify(BODY, signed, [secret])).toEqual({ verified: true });
        expect(verify(BODY, signed, [secret.slice(0, -1)])).toEqual({ verified: false, reason: 'no_matching_signature' });
      }
    });

    it('describes what a key should be, without quoting the bad one', () => {
      const bad = [
        'whsec_not base64!',
        'whsec_MfK=Q9r8',
        'whsec_a',
        `whpk_${key.raw.subarray(1).toString('base64')}`,
        `whpk_${Buffer.concat([key.raw, key.raw]).toString('base64')}`,
        'whpk_AAAA',
        'whsk_secret',
      ];
      for (const secret of bad) {
        const problem = verifier.checkSecret(secret);
        expect(problem).toMatch(/whsec_.*whpk_/);
        expect(problem).not.toContain(secret);
        // A bad secret at request time is skipped, never thrown on.
        expect(verify(BODY, HEADERS, [secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
        expect(verify(BODY, HEADERS, [secret, SECRET])).toEqual({ verified: true });
      }
    });
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(verify(BODY, { ...HEADERS, [name]: value }, [SECRET, ed25519Secret])).toMatchObject({ verified: false });
    }
    if (typeof value === 'string') {
      expect(verify(BODY, { ...HEADERS, 'webhook-signature': `v1a,${value} v1,${value}` }, [SECRET, ed25519Secret])).toMatchObject({ verified: false });
    }
  });
});

const ed25519Secret = ed25519().secret;
