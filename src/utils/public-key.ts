import { createPublicKey, type KeyObject } from 'node:crypto';

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ED25519_KEY_BYTES = 32;

/**
 * An Ed25519 public key from its 32 raw bytes, or `undefined` when they are
 * not a key. Never throws.
 */
export function ed25519PublicKey(raw: Buffer | undefined): KeyObject | undefined {
  if (raw?.length !== ED25519_KEY_BYTES) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    return undefined;
  }
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
 * A public key given as base64 DER (SubjectPublicKeyInfo) or as PEM, of the
 * given type and curve, or `undefined`. Never throws.
 */
export function spkiPublicKey(value: string, type: 'ec', curve: string): KeyObject | undefined {
  const text = value.trim();
  let key: KeyObject;
  try {
    if (text.startsWith('-----BEGIN PUBLIC KEY-----')) key = createPublicKey({ key: text, format: 'pem' });
    else {
      const der = strictBase64(text);
      if (!der) return undefined;
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
  } catch {
    return undefined;
  }
  return key.asymmetricKeyType === type && key.asymmetricKeyDetails?.namedCurve === curve ? key : undefined;
}
