import { hmacValidator } from '@adyen/api-library';
import { JUNK_HEADER_VALUES, webhookRequest } from '../../test/support/webhook-request.js';
import { AdyenVerifier, MAX_ADYEN_ITEMS } from './adyen.verifier.js';
import { checkReplayVerifier } from '../replay/replay-options.resolver.js';
import type { ResolvedWebhookProvider } from '../webhook-security-options.interface.js';

// Cross-checked against Adyen's own @adyen/api-library HmacValidator
// (calculateHmac / validateHMAC / validateHMACSignature).
const KEY = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056';
const sdk = new hmacValidator();

function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    additionalData: { authCode: '1234' },
    amount: { currency: 'EUR', value: 1130 },
    eventCode: 'AUTHORISATION',
    eventDate: '2026-11-29T07:00:00+01:00',
    merchantAccountCode: 'TestMerchant',
    merchantReference: 'order:42\\a',
    pspReference: '7914073381342284',
    success: 'true',
    ...overrides,
  };
}

/** A notification body whose items are signed by the SDK. */
function notification(...items: Record<string, unknown>[]): string {
  const signed = items.map((entry) => {
    const hmacSignature = sdk.calculateHmac(entry as never, KEY);
    return { NotificationRequestItem: { ...entry, additionalData: { ...(entry.additionalData as object), hmacSignature } } };
  });
  return JSON.stringify({ live: 'false', notificationItems: signed });
}

describe('AdyenVerifier', () => {
  const verifier = new AdyenVerifier();
  const verify = (body: string, headers: Record<string, string | string[]> = {}, secrets = [KEY]) => verifier.verify(webhookRequest(body, headers), secrets);

  it('accepts a payment notification the SDK signed, and the SDK validates what it accepts', () => {
    const body = notification(item());
    expect(verify(body)).toEqual({ verified: true });
    const signed = JSON.parse(body).notificationItems[0].NotificationRequestItem;
    expect(sdk.validateHMAC(signed, KEY)).toBe(true);
    expect(AdyenVerifier.itemSignature(item(), KEY)).toBe(signed.additionalData.hmacSignature);
  });

  it('accepts an item without originalReference, signed as an empty field', () => {
    expect(verify(notification(item({ originalReference: undefined })))).toEqual({ verified: true });
  });

  it('rejects an item whose signed field was changed, and a body of several items, each signed or not', () => {
    const body = notification(item());
    expect(verify(body.replace('"value":1130', '"value":1131'))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(body.replace('"success":"true"', '"success":"false"'))).toEqual({ verified: false, reason: 'no_matching_signature' });
    // The delivery id is the first item's: two signed items could be re-sent in the other order under a new id.
    expect(verify(notification(item(), item({ pspReference: '2' })))).toEqual({ verified: false, reason: 'malformed_body' });
    const forged = JSON.parse(notification(item(), item({ pspReference: '2' })));
    forged.notificationItems[1].NotificationRequestItem.amount.value = 999999;
    expect(verify(JSON.stringify(forged))).toEqual({ verified: false, reason: 'malformed_body' });
  });

  it('rejects the wrong key, and accepts any key of a rotation', () => {
    const body = notification(item());
    const other = 'AA'.repeat(32);
    expect(verify(body, {}, [other])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(body, {}, [other, KEY])).toEqual({ verified: true });
  });

  it('rejects bodies that are not notifications, without throwing', () => {
    const one = JSON.parse(notification(item())).notificationItems[0];
    for (const body of [
      '',
      'not json',
      '{}',
      '{"notificationItems":[]}',
      '{"notificationItems":{}}',
      '{"notificationItems":[null]}',
      '{"notificationItems":[{"NotificationRequestItem":{"amount":{"value":"1130","currency":"EUR"}}}]}',
      JSON.stringify({ notificationItems: Array.from({ length: MAX_ADYEN_ITEMS + 1 }, () => one) }),
    ]) {
      expect(verify(body)).toEqual({ verified: false, reason: 'malformed_body' });
    }
  });

  it('verifies a platform webhook by its HmacSignature header over the raw body, as the SDK does', () => {
    const body = '{"data":{"id":"BA00000000000000000001"},"type":"balancePlatform.accountHolder.created"}';
    const { hmacsignature } = verifier.sign({ secret: KEY, body });
    expect(sdk.validateHMACSignature(KEY, hmacsignature!, body)).toBe(true);
    expect(verify(body, { HmacSignature: hmacsignature! })).toEqual({ verified: true });
    expect(verify(`${body} `, { HmacSignature: hmacsignature! })).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify('{"type":"balancePlatform.accountHolder.created"}', { hmacsignature: value })).toMatchObject({ verified: false });
  });

  it('accepts items signed with absent or null fields as empty ones, and accepts up to MAX_ADYEN_ITEMS items', () => {
    expect(verify(notification(item({ originalReference: null, merchantReference: null })))).toEqual({ verified: true });
    const items = Array.from({ length: MAX_ADYEN_ITEMS }, (_, i) => item({ pspReference: String(i) }));
    expect(verify(notification(...items))).toEqual({ verified: true });
  });

  it('rejects items whose fields are not what Adyen sends, without throwing', () => {
    const signed = (overrides: Record<string, unknown>) =>
      JSON.parse(notification(item()), (key, value) => (key === 'NotificationRequestItem' ? { ...value, ...overrides } : value));
    for (const overrides of [
      { amount: null },
      { amount: 1130 },
      { amount: { currency: 'EUR', value: 11.3 } },
      { amount: { currency: 'EUR', value: 2 ** 53 } },
      { amount: { currency: 7, value: 1130 } },
      { success: true },
      { pspReference: 7914073381342284 },
      { additionalData: null },
      { additionalData: 'x' },
      { additionalData: { hmacSignature: 7 } },
    ]) {
      expect(verify(JSON.stringify(signed(overrides)))).toEqual({ verified: false, reason: 'malformed_body' });
    }
    for (const entry of [1, 'x', { NotificationRequestItem: null }, { NotificationRequestItem: 'x' }]) {
      expect(verify(JSON.stringify({ notificationItems: [entry] }))).toEqual({ verified: false, reason: 'malformed_body' });
    }
  });

  it('rejects an item whose hmacSignature is not a base64 SHA-256 HMAC as a malformed signature', () => {
    const body = notification(item());
    const signature = JSON.parse(body).notificationItems[0].NotificationRequestItem.additionalData.hmacSignature;
    for (const bad of ['', 'not base64', signature.slice(4)]) {
      expect(verify(body.replace(signature, bad))).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it('skips a key that is not hex, from a secret function, and verifies with the others', () => {
    const body = notification(item());
    const platform = '{"type":"balancePlatform.accountHolder.created"}';
    const { hmacsignature } = verifier.sign({ secret: KEY, body: platform });
    for (const bad of ['not hex', 'ABC', '']) {
      expect(verify(body, {}, [bad])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(body, {}, [bad, KEY])).toEqual({ verified: true });
      expect(verify(platform, { hmacsignature: hmacsignature! }, [bad])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(platform, { hmacsignature: hmacsignature! }, [bad, KEY])).toEqual({ verified: true });
    }
  });

  it('reads the HmacSignature header with surrounding blanks, and rejects one that is not a base64 SHA-256 HMAC as malformed', () => {
    const body = '{"type":"balancePlatform.accountHolder.created"}';
    const { hmacsignature } = verifier.sign({ secret: KEY, body });
    expect(verify(body, { hmacsignature: ` ${hmacsignature!} ` })).toEqual({ verified: true });
    expect(verify(body, { hmacsignature: 'AA'.repeat(33) })).toEqual({ verified: false, reason: 'malformed_header' });
    expect(verify(body, { hmacsignature: hmacsignature!.slice(4) })).toEqual({ verified: false, reason: 'malformed_header' });
  });

  it('keys replay on the signed references of the notification, or on the signed body of a platform webhook', () => {
    expect(verifier.deliveryId(webhookRequest(notification(item()), {}))).toBe('notification:7914073381342284:AUTHORISATION:true');
    expect(verifier.deliveryId(webhookRequest('{}', {}))).toBeUndefined();
    const body = '{"type":"balancePlatform.accountHolder.created"}';
    const { hmacsignature } = verifier.sign({ secret: KEY, body });
    const id = verifier.deliveryId(webhookRequest(body, { hmacsignature: hmacsignature! }));
    expect(id).toMatch(/^signed:/);
    expect(verifier.deliveryId(webhookRequest(body, { hmacsignature: 'other' }))).toBe(id);
    expect(verifier.deliveryId(webhookRequest(`${body} `, { hmacsignature: hmacsignature! }))).not.toBe(id);
  });

  it('refuses to sign without a hex key or a notification item', () => {
    expect(() => verifier.sign({ secret: 'not hex', body: '{}' })).toThrow(/hex HMAC key/);
    expect(() => AdyenVerifier.itemSignature(item(), 'not hex')).toThrow(/hex HMAC key/);
    expect(() => AdyenVerifier.itemSignature({ pspReference: '1' }, KEY)).toThrow(/notification item/);
  });

  it('needs replay protection, and a hex key at startup', () => {
    // Built here, not in the describe block, so that the check reads a verifier of the code under test.
    const withoutReplay = { name: 'p', verifier: new AdyenVerifier(), replay: undefined } as unknown as ResolvedWebhookProvider;
    expect(() => checkReplayVerifier(withoutReplay)).toThrow(
      /replay must be on for this scheme \(Adyen's payment notification HMAC covers eight fields of each item, not the whole body, so each signature must be accepted once\)/,
    );
    expect(verifier.checkSecret(KEY)).toBeUndefined();
    for (const bad of ['', 'xyz', KEY.slice(1)]) expect(verifier.checkSecret(bad)).toMatch(/hex string from Customer Area/);
  });

  it('takes no key with other text around its hex, which Node would decode cut short', () => {
    for (const bad of [`${KEY}zz`, `zz${KEY}`]) {
      expect(verifier.checkSecret(bad)).toMatch(/hex/);
      expect(() => verifier.sign({ secret: bad, body: '{}' })).toThrow('Adyen signs with the hex HMAC key of the webhook.');
    }
  });
});
