import { X509Certificate, createVerify, type KeyObject } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import * as zlib from 'node:zlib';
import { readHeader } from '../utils/headers.js';
import { RemoteKeyCache } from '../utils/remote-keys.js';
import { strictBase64 } from '../utils/public-key.js';
import { TimestampWindow } from '../utils/timestamp.js';
import { VERIFIED, rejected, type VerificationResult, type VerifierOptions, type WebhookRequest, type WebhookVerifier } from './webhook-verifier.interface.js';

const TRANSMISSION_ID = 'paypal-transmission-id';
const TRANSMISSION_TIME = 'paypal-transmission-time';
const TRANSMISSION_SIG = 'paypal-transmission-sig';
const CERT_URL = 'paypal-cert-url';
const AUTH_ALGO = 'paypal-auth-algo';
/** PayPal's certificate hosts, live and sandbox. */
const PAYPAL_ORIGINS = ['https://api.paypal.com', 'https://api-m.paypal.com', 'https://api.sandbox.paypal.com', 'https://api-m.sandbox.paypal.com'];
/** Where PayPal serves its certificates, e.g. `/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77`. */
const CERT_PATH = '/v1/notifications/certs/';
/** PayPal's field limits (verify-webhook-signature): ids up to 50 characters, a signature up to 500. */
const MAX_ID_LENGTH = 50;
const MAX_SIGNATURE_LENGTH = 500;
const WEBHOOK_ID = /^[A-Za-z0-9]{1,50}$/;
/**
 * The subject of PayPal's signing certificates, live and sandbox. PayPal's
 * SDKs refuse any other (Java's `SSLUtil.validateCertificateChain`: a CN
 * that starts with `messageverificationcerts` and ends with `.paypal.com`).
 */
const SIGNING_SUBJECTS: ReadonlySet<string> = new Set(['CN=messageverificationcerts.paypal.com', 'CN=messageverificationcerts.sandbox.paypal.com']);
/** Most certificates between the signing certificate and a trusted authority. */
const MAX_INTERMEDIATES = 3;

/** A fetched certificate: its key and the validity of its chain, or why it cannot vouch for a delivery. */
type SigningCertificate = { readonly key: KeyObject; readonly validFrom: number; readonly validTo: number } | { readonly untrusted: string };

/**
 * PayPal: `PAYPAL-TRANSMISSION-SIG` is the base64 RSA-SHA256 (`SHA256withRSA`)
 * signature of `${transmission id}|${transmission time}|${webhook id}|${crc32 of the raw body}`,
 * checked with the certificate at `PAYPAL-CERT-URL`.
 *
 * - The secret to configure is the webhook's ID from the app's settings
 *   in the Developer Dashboard (`WH-…` without the prefix, as PayPal shows it).
 * - The certificate is fetched only from PayPal's own HTTPS hosts, under
 *   `/v1/notifications/certs/` and one name of letters, digits, `-` and `_`
 *   (`CERT-…`), with no query, with a short timeout, cached by URL as
 *   `new URL()` writes it, so that other spellings of a URL cannot push its
 *   certificate out, for an hour (a failure for a minute). When PayPal's host cannot be
 *   reached, the request gets 503 and PayPal retries.
 * - As PayPal's SDKs check, the certificate must be issued to
 *   `messageverificationcerts.paypal.com` (or `.sandbox.paypal.com`), chain
 *   (through the certificates served after it) to a trusted authority, Node's
 *   bundled roots unless `certificateAuthorities` says otherwise, and be
 *   valid now, as must each certificate of its chain. A certificate that
 *   fails is refused with 401 (`untrusted_key`): the host answered, so
 *   nothing is unavailable, but it did not vouch for the delivery.
 * - The body is covered by a CRC32, which is not a cryptographic hash: a
 *   captured delivery's signature can be reused with another body of the
 *   same CRC32. So the transmission time (signed) must lie within the
 *   tolerance, and replay protection is required, keyed on the signed
 *   transmission id, so that each signature is accepted once.
 *
 * @see https://developer.paypal.com/api/rest/webhooks/rest/#link-selfverificationmethod
 */
export class PayPalVerifier implements WebhookVerifier {
  readonly signsUrl = false;
  readonly requiresReplay = 'PayPal signs a CRC32 of the body, which can be matched by another body, so each signature must be accepted once';
  private readonly window: TimestampWindow;
  private readonly certificates: RemoteKeyCache<SigningCertificate>;

  constructor(options: VerifierOptions = {}) {
    this.window = new TimestampWindow(options);
    const authorities = options.certificateAuthorities === undefined ? undefined : parseAuthorities(options.certificateAuthorities);
    this.certificates = new RemoteKeyCache(
      { origins: [...PAYPAL_ORIGINS, ...(options.keyOrigins ?? [])], pathPrefix: CERT_PATH, clock: options.clock },
      (pem) => signingCertificate(pem, authorities ?? (BUNDLED_ROOTS ??= parseAuthorities(rootCertificates))),
    );
  }

  async verify(request: WebhookRequest, secrets: readonly string[]): Promise<VerificationResult> {
    const id = readHeader(request.headers, TRANSMISSION_ID);
    const time = readHeader(request.headers, TRANSMISSION_TIME);
    const header = readHeader(request.headers, TRANSMISSION_SIG);
    const certUrl = readHeader(request.headers, CERT_URL);
    if (id === undefined || time === undefined || header === undefined || certUrl === undefined) return rejected('missing_header');
    const algorithm = readHeader(request.headers, AUTH_ALGO);
    if ((algorithm !== undefined && algorithm !== 'SHA256withRSA') || id.length > MAX_ID_LENGTH || header.length > MAX_SIGNATURE_LENGTH) {
      return rejected('malformed_header');
    }
    const problem = this.window.check(time, 'iso');
    if (problem) return rejected(problem);
    const signature = strictBase64(header.trim());
    if (!signature?.length) return rejected('malformed_header');

    const certificate = await this.certificates.get(certUrl);
    if ('failure' in certificate) return rejected(certificate.failure === 'forbidden_origin' ? 'untrusted_key_url' : 'key_unavailable');
    if ('untrusted' in certificate.key) return rejected('untrusted_key');
    const now = this.window.now();
    if (now < certificate.key.validFrom || now > certificate.key.validTo) return rejected('untrusted_key');

    const crc = String(crc32(request.rawBody));
    for (const webhookId of secrets) {
      const verifier = createVerify('sha256').update(`${id}|${time}|${webhookId}|${crc}`);
      if (verifier.verify(certificate.key.key, signature)) return VERIFIED;
    }
    return rejected('no_matching_signature');
  }

  /** The signed transmission id: each signature is accepted once. */
  deliveryId(request: WebhookRequest): string | undefined {
    const id = readHeader(request.headers, TRANSMISSION_ID);
    return id === undefined ? undefined : `transmission:${id}`;
  }

  /** Rejects, at startup, a webhook ID that is not PayPal's letters and digits. */
  checkSecret(secret: string): string | undefined {
    return WEBHOOK_ID.test(secret) ? undefined : "the webhook's ID from the PayPal Developer Dashboard: letters and digits, e.g. '8PT597110X687430LKGECATA'";
  }
}

let BUNDLED_ROOTS: readonly X509Certificate[] | undefined;

/** The certificates of `pems`; throws, at startup, on one that is not a PEM certificate. */
function parseAuthorities(pems: readonly string[]): readonly X509Certificate[] {
  return pems.map((pem, i) => {
    try {
      return new X509Certificate(pem);
    } catch {
      throw new TypeError(`certificateAuthorities[${i}] is not a PEM certificate ('-----BEGIN CERTIFICATE-----…').`);
    }
  });
}

/**
 * The signing certificate served at a certificate URL: the first PEM
 * certificate of `pem`, then any intermediates. Its key and the validity
 * of its chain, why it cannot vouch, or `undefined` when `pem` holds no
 * RSA certificate.
 */
function signingCertificate(pem: string, authorities: readonly X509Certificate[]): SigningCertificate | undefined {
  let served: X509Certificate[];
  try {
    served = (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
  } catch {
    return undefined;
  }
  const [leaf, ...intermediates] = served;
  if (leaf?.publicKey.asymmetricKeyType !== 'rsa') return undefined;
  if (!leaf.subject.split('\n').some((name) => SIGNING_SUBJECTS.has(name))) return { untrusted: 'subject' };
  const chain = chainOf(leaf, intermediates, authorities);
  if (!chain) return { untrusted: 'issuer' };
  return {
    key: leaf.publicKey,
    validFrom: Math.max(...chain.map((certificate) => Date.parse(certificate.validFrom))),
    validTo: Math.min(...chain.map((certificate) => Date.parse(certificate.validTo))),
  };
}

/** `leaf`, the intermediates it is issued through and the trusted authority at the end, or `undefined` when there is none. */
function chainOf(leaf: X509Certificate, intermediates: readonly X509Certificate[], authorities: readonly X509Certificate[]): X509Certificate[] | undefined {
  const chain = [leaf];
  for (let current = leaf; chain.length <= MAX_INTERMEDIATES + 1;) {
    const authority = authorities.find((issuer) => issued(current, issuer));
    if (authority) return [...chain, authority];
    const next = intermediates.find((issuer) => !chain.includes(issuer) && issued(current, issuer));
    if (!next) return undefined;
    chain.push(next);
    current = next;
  }
  return undefined;
}

/** True when `issuer` is a certificate authority that signed `certificate`. */
function issued(certificate: X509Certificate, issuer: X509Certificate): boolean {
  return issuer.ca && certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

/** Node's own CRC-32 (Node 20.15 and 22.2 on), many times faster than the table below on a large body. */
const nativeCrc32 = (zlib as { crc32?: (data: Buffer) => number }).crc32;

/** CRC-32 (IEEE) of `bytes`, unsigned, as PayPal computes it over the body. */
export function crc32(bytes: Buffer): number {
  return nativeCrc32 ? nativeCrc32(bytes) : tableCrc32(bytes);
}

let CRC_TABLE: Int32Array | undefined;

/** CRC-32 (IEEE) of `bytes` from a table, for Node versions without `zlib.crc32`. */
export function tableCrc32(bytes: Buffer): number {
  const table = (CRC_TABLE ??= Int32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  }));
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
