import type { SignInput } from '../../src/verifiers/webhook-verifier.interface.js';
import type { SignatureEncoding } from '../../src/utils/signature.js';
import { MAX_SIGNATURES_PER_HEADER } from '../../src/utils/headers.js';

/** A part of a request that a scheme may put under its signature. */
export type SignedPart = 'body' | 'timestamp' | 'url';

/** Where a value sits in a header: the whole value after `prefix`. */
export interface HeaderValue {
  readonly header: string;
  readonly prefix?: string;
}

/**
 * What one way of signing covers, as the property tests need to know it.
 * Several variants describe a vendor that signs in several ways.
 */
export interface SchemeVariant {
  readonly name: string;
  /** What is signed. A part that is not listed must not change the verdict. */
  readonly signs: readonly SignedPart[];
  /**
   * `'bytes'`: any bytes, signed as received. `'form'`: an urlencoded body,
   * signed as its decoded parameters, so two spellings of the same
   * parameters (`%2a` and `%2A`) verify alike.
   */
  readonly body: 'bytes' | 'form';
  /** `SignInput.format` to sign this variant with. */
  readonly format?: SignInput['format'];
  /** The header whose signature decides, with its encoding, and the separator if it lists several. */
  readonly signature: HeaderValue & { readonly encoding: SignatureEncoding; readonly separator?: string };
  /** The signed timestamp, for schemes that sign one. */
  readonly timestamp?: HeaderValue;
  /** Headers the signer adds that this variant leaves out. */
  readonly omit?: readonly string[];
  /**
   * Documented bound: constant-time comparisons per configured secret, however
   * many signatures a header lists. A list longer than MAX_SIGNATURES_PER_HEADER
   * is rejected before any comparison.
   */
  readonly maxComparesPerSecret: number;
}

/** One entry per built-in scheme. The harness fails on a built-in scheme missing here. */
export const SCHEME_DESCRIPTIONS: Readonly<Record<string, readonly SchemeVariant[]>> = {
  trophy: [
    {
      name: 'raw body',
      signs: ['body'],
      body: 'bytes',
      signature: { header: 'x-trophy-signature', encoding: 'base64' },
      maxComparesPerSecret: 1,
    },
  ],
  fullup: [
    {
      name: 'raw body',
      signs: ['body'],
      body: 'bytes',
      signature: { header: 'fullup-signature', encoding: 'hex' },
      maxComparesPerSecret: 1,
    },
  ],
  noyo: [
    {
      name: 'timestamp.body, listed signatures',
      signs: ['timestamp', 'body'],
      body: 'bytes',
      signature: { header: 'x-noyo-signature', encoding: 'hex', separator: ',' },
      timestamp: { header: 'x-noyo-timestamp' },
      maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
    },
  ],
  signalwire: [
    {
      name: 'SWML, SHA-256 header',
      signs: ['url', 'body'],
      body: 'bytes',
      signature: { header: 'x-signalwire-sha256-signature', encoding: 'hex' },
      maxComparesPerSecret: 1,
    },
    {
      name: 'SWML, SHA-1 header alone',
      signs: ['url', 'body'],
      body: 'bytes',
      signature: { header: 'x-signalwire-signature', encoding: 'hex' },
      omit: ['x-signalwire-sha256-signature'],
      maxComparesPerSecret: 1,
    },
    {
      // Tried with the URL as received, with its port removed and with the
      // default port added, and with repeated keys in two orders: 3 × 2.
      name: 'cXML form post',
      signs: ['url', 'body'],
      body: 'form',
      format: 'form',
      signature: { header: 'x-signalwire-signature', encoding: 'base64' },
      maxComparesPerSecret: 6,
    },
  ],
};
