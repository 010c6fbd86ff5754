import { jsonValue, signedContentId } from '../utils/delivery-id.js';
import { readHeader } from '../utils/headers.js';
import { strictHex } from '../utils/public-key.js';
import { DIGEST_BYTES, decodeSignature, encodeSignature, hmac, perSecretList, safeEqual } from '../utils/signature.js';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { VERIFIED, rejected, type SignInput, type VerificationResult, type WebhookRequest, type WebhookVerifier } from './webhook-verifier.interface.js';

/** Header of the platform webhooks (Balance Platform, Management API), signed over the raw body. */
const HEADER = 'hmacsignature';
/**
 * Most notification items read from one body: Adyen sends one per request.
 * The delivery id is that item's, so a body of several signed items could be
 * re-sent with another item first (or one alone) under a new id, and run its
 * items again: such a body is refused whole.
 */
export const MAX_ADYEN_ITEMS = 1;

/** The HMAC keys, hex-decoded once per list of secrets. */
const hexKeys = perSecretList((secret: string): KeyObject | undefined => {
  const raw = strictHex(secret);
  return raw?.length ? createSecretKey(raw) : undefined;
});

/** A notification item's fields that its HMAC covers, in order. */
type SignedItem = readonly [string, string, string, string, string, string, string, string];

/**
 * Adyen signs with the HMAC key of the webhook (hex, from Customer Area →
 * Developers → Webhooks), used as the bytes it encodes. Two forms:
 *
 * - **Standard (payment) webhooks:** each `NotificationRequestItem` carries
 *   `additionalData.hmacSignature`, the base64 HMAC-SHA256 of
 *   `pspReference:originalReference:merchantAccountCode:merchantReference:amount.value:amount.currency:eventCode:success`.
 *   A body holds one item, as Adyen sends them: replay protection keys on
 *   it, so a body of several signed items, which could be re-sent in
 *   another order under a new id, is refused. The HMAC covers those fields only:
 *   replay protection is required (a provider without it fails at startup),
 *   and the handler should trust only the signed fields.
 * - **Platform webhooks** (Balance Platform, Management API): the
 *   `HmacSignature` header is the base64 HMAC-SHA256 of the raw body.
 *
 * @see https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures
 */
export class AdyenVerifier implements WebhookVerifier {
  readonly signsUrl = false;
  readonly requiresReplay = "Adyen's payment notification HMAC covers eight fields of each item, not the whole body, so each signature must be accepted once";

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const keys = hexKeys(secrets);
    const header = readHeader(request.headers, HEADER);
    if (header !== undefined) {
      const signature = decodeSignature(header.trim(), 'base64', DIGEST_BYTES.sha256);
      if (!signature) return rejected('malformed_header');
      return keys.some((key) => key && safeEqual(hmac('sha256', key, [request.rawBody]), signature)) ? VERIFIED : rejected('no_matching_signature');
    }

    const items = notificationItems(request.rawBody);
    if (items === undefined) return rejected('malformed_body');
    for (const { fields, signature } of items) {
      const expected = decodeSignature(signature, 'base64', DIGEST_BYTES.sha256);
      if (!expected) return rejected('malformed_header');
      const content = fields.join(':');
      if (!keys.some((key) => key && safeEqual(hmac('sha256', key, [content]), expected))) return rejected('no_matching_signature');
    }
    return VERIFIED;
  }

  /**
   * For a payment notification, the signed `pspReference`, `eventCode` and
   * `success` of its first item, which identify it across Adyen's retries;
   * for a platform webhook, a hash of the signed body.
   */
  deliveryId(request: WebhookRequest): string | undefined {
    if (readHeader(request.headers, HEADER) !== undefined) return signedContentId([request.rawBody]);
    const item = notificationItems(request.rawBody)?.[0];
    return item && `notification:${item.fields[0]}:${item.fields[6]}:${item.fields[7]}`;
  }

  /**
   * The `hmacSignature` of a notification item, as Adyen computes it, for
   * tests that build notification bodies. `secret` is the hex HMAC key.
   */
  static itemSignature(item: Record<string, unknown>, secret: string): string {
    const fields = signedFields(item);
    const key = strictHex(secret);
    if (!fields || !key) throw new TypeError('An Adyen notification item and a hex HMAC key are needed.');
    return encodeSignature(hmac('sha256', key, [fields.join(':')]), 'base64');
  }

  /** Signs a platform webhook (the `HmacSignature` header over the body). */
  sign(input: SignInput): Record<string, string> {
    const key = strictHex(input.secret);
    if (!key) throw new TypeError('Adyen signs with the hex HMAC key of the webhook.');
    return { [HEADER]: encodeSignature(hmac('sha256', key, [input.body]), 'base64') };
  }

  /** Rejects, at startup, a key that is not hex. */
  checkSecret(secret: string): string | undefined {
    return strictHex(secret)?.length ? undefined : 'the webhook HMAC key: the hex string from Customer Area → Developers → Webhooks';
  }
}

/** The signed fields and signature of each item, or `undefined` when the body is not a notification of 1 to {@link MAX_ADYEN_ITEMS} well-formed items. */
function notificationItems(rawBody: Buffer): { fields: SignedItem; signature: string }[] | undefined {
  const list = jsonValue(rawBody, ['notificationItems']);
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ADYEN_ITEMS) return undefined;
  const items = [];
  for (const entry of list) {
    // Any JSON value but null can be read for a field: a string, a number or a boolean gives undefined.
    const item: unknown = (entry as Record<string, unknown> | null)?.NotificationRequestItem;
    if (typeof item !== 'object' || item === null) return undefined;
    const fields = signedFields(item as Record<string, unknown>);
    const additional = (item as Record<string, unknown>).additionalData;
    const signature = typeof additional === 'object' && additional !== null ? (additional as Record<string, unknown>).hmacSignature : undefined;
    if (!fields || typeof signature !== 'string') return undefined;
    items.push({ fields, signature });
  }
  return items;
}

/** The eight signed fields of an item, written as Adyen writes them; an absent field is empty. */
function signedFields(item: Record<string, unknown>): SignedItem | undefined {
  const text = (value: unknown): string | undefined => (value === undefined || value === null ? '' : typeof value === 'string' ? value : undefined);
  const amount = item.amount;
  if (typeof amount !== 'object' || amount === null) return undefined;
  const { value, currency } = amount as Record<string, unknown>;
  const fields = [
    text(item.pspReference),
    text(item.originalReference),
    text(item.merchantAccountCode),
    text(item.merchantReference),
    Number.isSafeInteger(value) ? String(value) : undefined,
    text(currency),
    text(item.eventCode),
    text(item.success),
  ];
  return fields.every((field) => field !== undefined) ? (fields as unknown as SignedItem) : undefined;
}
