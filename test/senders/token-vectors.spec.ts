import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import { TokenVerifier } from '../../src/verifiers/token-scheme.verifier.js';
import { WebhookSecurityConfigurationError } from '../../src/webhook-security.exceptions.js';
import { webhookRequest } from '../support/webhook-request.js';

/**
 * Senders that send a shared secret as is. Each header name and format is
 * the vendor's documented one, quoted beside it.
 */
const rejected = { verified: false, reason: 'no_matching_signature' };
const body = '{"object_kind":"push","event":"charge.completed","eventId":"b1c2","RecordType":"Delivery"}';

describe.each([
  // https://docs.gitlab.com/user/project/integrations/webhooks/ — "GitLab sends the token in the X-Gitlab-Token header"
  ['gitlab', 'X-Gitlab-Token', 'glpat-like-secret-token'],
  // https://core.telegram.org/bots/api#setwebhook — secret_token "sent in a header X-Telegram-Bot-Api-Secret-Token"
  ['telegram', 'X-Telegram-Bot-Api-Secret-Token', 'Tg_secret-token_123'],
  // https://docs.xendit.co/docs/handling-webhooks — the callback token is in "x-callback-token"
  ['xendit', 'x-callback-token', 'xnd_callback_token_0123'],
  // https://developer.flutterwave.com/docs/webhooks — the secret hash is in "verif-hash"
  ['flutterwave', 'verif-hash', 'my-flutterwave-secret-hash'],
  // https://developer.okta.com/docs/concepts/event-hooks/ — authScheme { type: HEADER, key: Authorization, value: <secret> }
  ['okta', 'Authorization', 'okta-event-hook-secret'],
] as const)('%s: %s carries the secret as is', (scheme, header, secret) => {
  const verifier = new BUILT_IN_VERIFIERS[scheme]();
  const verify = (value: string, secrets: string[] = [secret]) => verifier.verify(webhookRequest(body, { [header]: value }), secrets);

  it('accepts the configured secret, any of several, and what signWebhook writes', () => {
    expect(verify(secret)).toEqual({ verified: true });
    expect(verify(secret, ['previous-secret', secret])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(body, verifier.sign!({ secret, body })), [secret])).toEqual({ verified: true });
  });

  it('rejects one changed byte, a prefix, an extension and a missing header', () => {
    expect(verify(secret.slice(0, -1) + String.fromCharCode(secret.charCodeAt(secret.length - 1) ^ 1))).toEqual(rejected);
    expect(verify(secret.slice(0, -1))).toEqual(rejected);
    expect(verify(`${secret} `)).toEqual(rejected);
    expect(verify(secret, ['another-secret'])).toEqual(rejected);
    expect(verifier.verify(webhookRequest(body, {}), [secret])).toEqual({ verified: false, reason: 'missing_header' });
  });
});

describe('Postmark: HTTP Basic credentials', () => {
  const verifier = new BUILT_IN_VERIFIERS.postmark();
  // RFC 7617's example: Aladdin / open sesame is sent as "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".
  const secret = 'Aladdin:open sesame';
  const verify = (authorization: string, secrets = [secret]) => verifier.verify(webhookRequest(body, { authorization }), secrets);

  it("accepts RFC 7617's example, with the scheme name in any case", () => {
    expect(verify('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ verified: true });
    expect(verify('basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ verified: true });
    expect(verify('Basic   QWxhZGRpbjpvcGVuIHNlc2FtZQ==  ')).toEqual({ verified: true });
    expect(verifier.sign!({ secret, body })).toEqual({ authorization: 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==' });
  });

  it('rejects another password, another user, another scheme and bad base64', () => {
    expect(verify(`Basic ${Buffer.from('Aladdin:open sesamf').toString('base64')}`)).toEqual(rejected);
    expect(verify(`Basic ${Buffer.from('aladdin:open sesame').toString('base64')}`)).toEqual(rejected);
    expect(verify('Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ verified: false, reason: 'malformed_header' });
    expect(verify('Basic ***')).toEqual({ verified: false, reason: 'malformed_header' });
    expect(verify('XBasic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ verified: false, reason: 'malformed_header' });
    expect(verify('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ verified: false, reason: 'malformed_header' });
  });

  it('asks at startup for a secret written user:password', () => {
    expect(verifier.checkSecret!('no-colon')).toBe('the Basic credentials as user:password');
    expect(verifier.checkSecret!(secret)).toBeUndefined();
  });

  it('reads the record type as the event type', () => {
    expect(verifier.eventType!(webhookRequest(body, {}))).toBe('Delivery');
  });
});

describe('TokenVerifier descriptions', () => {
  it('fail at startup when the kind or header is missing', () => {
    expect(() => new TokenVerifier({ kind: 'token' })).toThrow(WebhookSecurityConfigurationError);
    expect(() => new TokenVerifier({ kind: 'hmac' } as never)).toThrow(/a kind: 'token' or 'basic'/);
    expect(() => new TokenVerifier({ kind: 'token', header: 'x-token', deliveryId: { json: [] } })).toThrow(/deliveryId\.json/);
  });

  it('fail at startup, naming the fix, for no description, a header name that is empty, blank or not text, or a token without its header', () => {
    for (const scheme of [undefined, null]) {
      expect(() => new TokenVerifier(scheme as never)).toThrow(
        new WebhookSecurityConfigurationError("A declarative signature scheme needs a kind: 'token' or 'basic'."),
      );
    }
    for (const header of ['', '  ']) {
      expect(() => new TokenVerifier({ kind: 'basic', header })).toThrow(
        /^(A declarative signature scheme|The signature scheme of header ' +') needs a header name\.$/,
      );
    }
    expect(() => new TokenVerifier({ kind: 'token', header: 42 as never })).toThrow(
      new WebhookSecurityConfigurationError('A declarative signature scheme needs a header name.'),
    );
    expect(() => new TokenVerifier({ kind: 'token' })).toThrow(
      new WebhookSecurityConfigurationError('A declarative signature scheme needs the header that carries the token.'),
    );
  });

  it.each<[string, object, string]>([
    ['a delivery id of null', { deliveryId: null }, "deliveryId as { header: '...' } or { json: ['...'] }"],
    ['a delivery id given as a header name alone', { deliveryId: 'x-delivery' }, "deliveryId as { header: '...' } or { json: ['...'] }"],
    ['a delivery id from an empty header name', { deliveryId: { header: '' } }, "deliveryId as { header: '...' } or { json: ['...'] }"],
    ['a JSON path with an empty key', { deliveryId: { json: ['event', ''] } }, "deliveryId.json as a non-empty list of keys, e.g. ['event', 'id']"],
    ['a JSON path that is no list', { deliveryId: { json: 'id' } }, "deliveryId.json as a non-empty list of keys, e.g. ['event', 'id']"],
    ['a JSON path with a key that is no text', { deliveryId: { json: ['event', 42] } }, "deliveryId.json as a non-empty list of keys, e.g. ['event', 'id']"],
    ['an event type of null', { eventType: null }, "eventType as { header: '...' }, { json: ['...'] } or both"],
    ['an event type naming nothing', { eventType: {} }, "eventType as { header: '...' }, { json: ['...'] } or both"],
    ['an event type from an empty list of headers', { eventType: { header: [] } }, "eventType as { header: '...' }, { json: ['...'] } or both"],
    ['an event type with an empty JSON path', { eventType: { header: 'x-event', json: [] } }, "eventType as { header: '...' }, { json: ['...'] } or both"],
    ['an event type with an empty JSON key', { eventType: { json: ['action', ''] } }, "eventType as { header: '...' }, { json: ['...'] } or both"],
  ])('fail at startup on %s, naming the fix', (_name, change, expected) => {
    expect(() => new TokenVerifier({ kind: 'token', header: 'x-token', ...change })).toThrow(
      new WebhookSecurityConfigurationError(`The signature scheme of header 'x-token' needs ${expected}.`),
    );
  });

  it('take a delivery id from any header, and an event type from headers, the body or both', () => {
    const scheme = { kind: 'token', header: 'x-token' } as const;
    expect(() => new TokenVerifier({ ...scheme, deliveryId: { header: 'x-delivery' }, eventType: { header: ['x-a', 'x-b'], json: ['action'] } })).not.toThrow();
    expect(() => new TokenVerifier({ ...scheme, deliveryId: { json: ['id'] }, eventType: { json: ['type'] } })).not.toThrow();
  });

  it('read the event type from the first header present, the body, or both joined with a dot', () => {
    const typed = (eventType: object) => new TokenVerifier({ kind: 'token', header: 'x-token', eventType });
    const json = '{"action":"opened"}';
    const both = typed({ header: ['x-a', 'x-b'], json: ['action'] });
    expect(both.eventType(webhookRequest(json, { 'x-b': 'issues' }))).toBe('issues.opened');
    expect(both.eventType(webhookRequest(json, { 'x-a': 'pull', 'x-b': 'issues' }))).toBe('pull.opened');
    expect(both.eventType(webhookRequest('{}', { 'x-a': 'issues' }))).toBe('issues');
    // Unsigned, a header may not name a whole type, nor its absence let the body name one.
    expect(both.eventType(webhookRequest(json, { 'x-a': 'issues.closed' }))).toBeUndefined();
    expect(both.eventType(webhookRequest(json, {}))).toBeUndefined();
    expect(typed({ json: ['action'] }).eventType(webhookRequest(json, {}))).toBe('opened');
    expect(typed({ json: ['action'] }).eventType(webhookRequest('{}', {}))).toBeUndefined();
    expect(new TokenVerifier({ kind: 'token', header: 'x-token' }).eventType(webhookRequest(json, {}))).toBeUndefined();
  });

  it('read a token from the header named, and Basic credentials from Authorization unless another header is named', () => {
    const token = new TokenVerifier({ kind: 'token', header: 'X-Hook-Token' });
    expect(token.verify(webhookRequest(body, { 'x-hook-token': 'hook-secret' }), ['hook-secret'])).toEqual({ verified: true });
    expect(token.verify(webhookRequest(body, { authorization: 'hook-secret' }), ['hook-secret'])).toEqual({ verified: false, reason: 'missing_header' });
    const credentials = `Basic ${Buffer.from('user:password').toString('base64')}`;
    const basic = new TokenVerifier({ kind: 'basic' });
    expect(basic.verify(webhookRequest(body, { authorization: credentials }), ['user:password'])).toEqual({ verified: true });
    const named = new TokenVerifier({ kind: 'basic', header: 'X-Hook-Authorization' });
    expect(named.verify(webhookRequest(body, { 'x-hook-authorization': credentials }), ['user:password'])).toEqual({ verified: true });
    expect(named.verify(webhookRequest(body, { authorization: credentials }), ['user:password'])).toEqual({ verified: false, reason: 'missing_header' });
  });

  it('take any token at startup, and Basic credentials that name a user or a password', () => {
    expect(new BUILT_IN_VERIFIERS.gitlab().checkSecret?.('a token without a colon')).toBeUndefined();
    const basic = new TokenVerifier({ kind: 'basic' });
    for (const secret of [':', 'no-colon']) expect(basic.checkSecret(secret)).toBe('the Basic credentials as user:password');
    for (const secret of ['user:', ':password', 'user:password']) expect(basic.checkSecret(secret)).toBeUndefined();
  });

  it('read a delivery id from a header, the body, or else a hash of the body', () => {
    const gitlab = new BUILT_IN_VERIFIERS.gitlab();
    expect(gitlab.deliveryId!(webhookRequest(body, { 'x-gitlab-event-uuid': 'uuid-1', 'x-gitlab-event': 'Push Hook' }))).toBe('uuid-1');
    expect(gitlab.eventType!(webhookRequest(body, { 'x-gitlab-event': 'Push Hook' }))).toBe('Push Hook');
    expect(new BUILT_IN_VERIFIERS.okta().deliveryId!(webhookRequest(body, {}))).toBe('event:b1c2');
    expect(new BUILT_IN_VERIFIERS.telegram().deliveryId!(webhookRequest(body, {}))).toMatch(/^signed:/);
    // Without the id in the body, a hash of the body, which tells two bodies apart.
    const okta = new BUILT_IN_VERIFIERS.okta();
    const [first, second] = ['{"eventType":"a"}', '{"eventType":"b"}'].map((other) => okta.deliveryId!(webhookRequest(other, {})));
    expect(first).toMatch(/^signed:/);
    expect(second).toMatch(/^signed:/);
    expect(first).not.toBe(second);
  });
});
