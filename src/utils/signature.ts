import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { MAX_SIGNATURES_PER_HEADER } from './headers.js';

/** HMAC algorithms a scheme may use. */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** How a signature is written in its header. */
export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

/** Digest lengths in bytes. */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

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
 * new ones on every request. False, never a throw, for anything else;
 * `target` may then hold part of it.
 */
export function decodeSignatureInto(value: string, encoding: SignatureEncoding, target: Buffer): boolean {
  const bytes = target.length;
  // Node's hex decoding reads only the low byte of each character (U+0161 as 'a'): the alphabet is checked first.
  if (encoding === 'hex') {
    if (value.length !== bytes * 2 || !HEX.test(value)) return false;
    target.write(value, 'hex');
    return true;
  }
  const padded = Math.ceil(bytes / 3) * 4;
  const unpadded = Math.ceil((bytes * 4) / 3);
  if (value.length !== padded && value.length !== unpadded) return false;
  if (!(encoding === 'base64' ? BASE64 : BASE64URL).test(value)) return false;
  // A write stops at the end of `target`: a value that decodes to more must not pass as its first bytes.
  return Buffer.byteLength(value, encoding) === bytes && target.write(value, encoding) === bytes;
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
