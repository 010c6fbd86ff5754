import { createPublicKey, type KeyObject } from 'node:crypto';

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ED25519_KEY_BYTES = 32;

/**
 * An Ed25519 public key from its 32 raw bytes, or `undefined` when they are
 * not a key. Never throws.
 */
export function ed25519PublicKey(raw: Buffer | undefined): KeyObject | undefined {
  // Stryker disable next-line ConditionalExpression: with `false`, Node refuses a JWK whose x is not 32 bytes (and `raw.toString` throws on none), in the try below.
  if (raw?.length !== ED25519_KEY_BYTES) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    // Not a key.
  }
  return undefined;
}

/** The bytes of a strict hex string, or `undefined`. */
export function strictHex(value: string): Buffer | undefined {
  return value.length % 2 === 0 && HEX.test(value) ? Buffer.from(value, 'hex') : undefined;
}

/** The bytes of strict, padded base64, or `undefined`. */
export function strictBase64(value: string): Buffer | undefined {
  return value.length % 4 === 0 && BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

/**
 * An EC public key on the named curve, given as base64 DER
 * (SubjectPublicKeyInfo) or as PEM, or `undefined`. Never throws.
 */
export function spkiPublicKey(value: string, curve: string): KeyObject | undefined {
  const text = value.trim();
  let key: KeyObject;
  try {
    if (text.startsWith('-----BEGIN PUBLIC KEY-----')) key = createPublicKey({ key: text, format: 'pem' });
    else {
      const der = strictBase64(text);
      // Stryker disable next-line ConditionalExpression: with `false`, createPublicKey throws on an undefined key, and the catch answers undefined.
      if (!der) return undefined;
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
  } catch {
    return undefined;
  }
  // Only an EC key has a named curve.
  // Stryker disable next-line OptionalChaining: Node gives asymmetricKeyDetails for every public key it parses.
  return key.asymmetricKeyDetails?.namedCurve === curve ? key : undefined;
}
