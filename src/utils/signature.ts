import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { MAX_SIGNATURES_PER_HEADER } from './headers.js';

/** HMAC algorithms a scheme may use. */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** How a signature is written in its header. */
export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

/** Digest lengths in bytes. */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** The value of each ASCII character in an alphabet, -1 for the others. */
function alphabet(digits: string, extra: Readonly<Record<string, number>> = {}): Int8Array {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < digits.length; i++) values[digits.charCodeAt(i)] = i;
  for (const [digit, value] of Object.entries(extra)) values[digit.charCodeAt(0)] = value;
  return values;
}

const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Without a prototype: an encoding that is none of these (`'toString'`) finds no alphabet. */
const ALPHABETS: Readonly<Record<SignatureEncoding, Int8Array>> = Object.assign(Object.create(null) as object, {
  hex: alphabet('0123456789abcdef', { A: 10, B: 11, C: 12, D: 13, E: 14, F: 15 }),
  base64: alphabet(`${LETTERS_AND_DIGITS}+/`),
  base64url: alphabet(`${LETTERS_AND_DIGITS}-_`),
});
const PAD = 0x3d; // '='

/**
 * HMAC over several parts, fed to the hash one by one so that a large body is
 * never copied into a concatenated buffer or string.
 */
export function hmac(algorithm: HmacAlgorithm, key: string | Buffer | KeyObject, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty part changes no HMAC; skipping it only saves a call.
  for (const part of parts) if (part.length > 0) mac.update(part);
  return mac.digest();
}

/**
 * `build` applied to each secret of a list, once per list rather than on
 * every request: the guard passes a provider's same list each time. The list
 * is compared entry by entry on each call, so a list changed in place never
 * gets what was built for its old entries.
 */
export function perSecretList<T>(build: (secret: string) => T): (secrets: readonly string[]) => readonly T[] {
  const cache = new WeakMap<readonly string[], { readonly secrets: readonly string[]; readonly built: readonly T[] }>();
  return (secrets) => {
    const cached = cache.get(secrets);
    if (cached && sameEntries(cached.secrets, secrets)) return cached.built;
    const built = secrets.map(build);
    cache.set(secrets, { secrets: [...secrets], built });
    return built;
  };
}

function sameEntries(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry === b[i]);
}

/** The secrets as HMAC keys, each of its UTF-8 bytes, built once per list of secrets. */
export const secretKeys: (secrets: readonly string[]) => readonly KeyObject[] = perSecretList((secret) => createSecretKey(Buffer.from(secret)));

/**
 * Decodes a signature strictly: the exact length for the digest and only the
 * characters of its encoding. Anything else gives `undefined`, never a throw,
 * and never the lenient partial decoding that `Buffer.from` does on its own.
 */
export function decodeSignature(value: string, encoding: SignatureEncoding, bytes: number): Buffer | undefined {
  const decoded = Buffer.allocUnsafe(bytes);
  return decodeSignatureInto(value, encoding, decoded) ? decoded : undefined;
}

/**
 * {@link decodeSignature} into `target`, which the signature must fill
 * exactly: for a verifier that decodes into buffers of its own rather than
 * new ones on every request; the signature is `value` from `start` on, so
 * that a header's prefix needs no copy cut off. False, never a throw, for
 * anything else; `target` may then hold part of it.
 *
 * Decoded here rather than by `Buffer.write`, which skips what it cannot
 * read, reads only the low byte of each character in hex (U+0161 as `a`),
 * and needed a pattern test and a length count before it to be strict: one
 * pass checks every character and writes the bytes. Base64 may be padded
 * with `=` or not; bits past the last byte are ignored, as Node ignores them.
 */
export function decodeSignatureInto(value: string, encoding: SignatureEncoding, target: Buffer, start = 0): boolean {
  const bytes = target.length;
  const digits = ALPHABETS[encoding] as Int8Array | undefined;
  const length = value.length - start;
  if (length <= 0 || start < 0 || !digits) return false;
  if (encoding === 'hex') {
    if (length !== bytes * 2) return false;
    // Stryker disable next-line EqualityOperator: one more turn reads past the text, NaN digits that make a byte 0, written past the end of `target`, which a typed array ignores.
    for (let i = 0; i < bytes; i++) {
      const high = value.charCodeAt(start + 2 * i);
      const low = value.charCodeAt(start + 2 * i + 1);
      // A character past ASCII would index past the table; any -1 makes the byte negative.
      if ((high | low) > 0x7f) return false;
      const byte = (digits[high]! << 4) | digits[low]!;
      if (byte < 0) return false;
      target[i] = byte;
    }
    return true;
  }
  // Four characters give three bytes; the last one or two bytes come from two or three more characters, and the padding.
  const whole = bytes - (bytes % 3);
  const rest = bytes % 3;
  const characters = (whole / 3) * 4 + (rest === 0 ? 0 : rest + 1);
  if (length !== characters) {
    if (rest === 0 || length !== characters + 3 - rest) return false;
    for (let i = start + characters; i < value.length; i++) if (value.charCodeAt(i) !== PAD) return false;
  }
  let at = start;
  for (let i = 0; i < whole; i += 3, at += 4) {
    const a = value.charCodeAt(at);
    const b = value.charCodeAt(at + 1);
    const c = value.charCodeAt(at + 2);
    const d = value.charCodeAt(at + 3);
    if ((a | b | c | d) > 0x7f) return false;
    // Each -1 sets the sign bit.
    const group = (digits[a]! << 18) | (digits[b]! << 12) | (digits[c]! << 6) | digits[d]!;
    if (group < 0) return false;
    target[i] = group >>> 16;
    target[i + 1] = (group >>> 8) & 0xff;
    target[i + 2] = group & 0xff;
  }
  // Stryker disable next-line ConditionalExpression: with no bytes left, the tail reads past the text, NaN digits that make a byte 0, written past the end of `target`, which a typed array ignores.
  if (rest === 0) return true;
  const a = value.charCodeAt(at);
  const b = value.charCodeAt(at + 1);
  // One byte left takes two characters; two bytes take three.
  const c = rest === 2 ? value.charCodeAt(at + 2) : LETTERS_AND_DIGITS.charCodeAt(0);
  if ((a | b | c) > 0x7f) return false;
  const group = (digits[a]! << 18) | (digits[b]! << 12) | (digits[c]! << 6);
  if (group < 0) return false;
  target[whole] = group >>> 16;
  // Stryker disable next-line ConditionalExpression: with one byte left, the second is written past the end of `target`, which a typed array ignores.
  if (rest === 2) target[whole + 1] = (group >>> 8) & 0xff;
  return true;
}

/**
 * Buffers a verifier decodes each request's signatures into, one per
 * signature a header may list, each `bytes` long: reused by every call, as
 * a synchronous `verify` runs to its end before another starts, so that a
 * request allocates no buffer for them. Only the slots a call filled are
 * compared (`anyMatch`'s `count`): what an earlier request left in the others
 * never is.
 */
export function signatureSlots(bytes: number): readonly Buffer[] {
  const slots = Buffer.alloc(MAX_SIGNATURES_PER_HEADER * bytes);
  return Array.from({ length: MAX_SIGNATURES_PER_HEADER }, (_, i) => slots.subarray(i * bytes, (i + 1) * bytes));
}

/** Encodes a digest the way a sender writes it in its header. */
export function encodeSignature(digest: Buffer, encoding: SignatureEncoding): string {
  return digest.toString(encoding);
}

/**
 * Constant-time comparison of two byte strings. Lengths are checked first
 * (`timingSafeEqual` throws on a mismatch); the length of a digest is public.
 */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when any of the first `count` of `candidates` (all by default)
 * equals `expected`, each compared in constant time.
 */
export function anyMatch(candidates: readonly Buffer[], expected: Buffer, count = candidates.length): boolean {
  let matched = false;
  for (let i = 0; i < count; i++) matched = safeEqual(candidates[i]!, expected) || matched;
  return matched;
}
