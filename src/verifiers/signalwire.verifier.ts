import { parsedJson } from '../utils/delivery-id.js';
import { readHeader } from '../utils/headers.js';
import { FormPostVerifier } from './form-post.verifier.js';
import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import {
  rejected,
  type SignInput,
  type VerificationResult,
  type VerifierOptions,
  type WebhookRequest,
  type WebhookVerifier,
} from './webhook-verifier.interface.js';

const SIGNATURE = 'x-signalwire-signature';
const SHA256_SIGNATURE = 'x-signalwire-sha256-signature';
const SHA1_HEX_LENGTH = 40;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * SignalWire signs with the project's Signing Key in two ways, told apart by
 * the headers:
 *
 * - SWML, RELAY and Call Fabric (JSON): `X-SignalWire-Signature` is
 *   hex(HMAC-SHA1(key, url + raw body)), and call requests add
 *   `X-SignalWire-SHA256-Signature`, hex(HMAC-SHA256(key, url + raw body)),
 *   which is preferred when present. No separator; the URL keeps its query.
 * - Compatibility API / cXML form posts: `X-SignalWire-Signature` is a base64
 *   HMAC-SHA1 of the URL and the sorted form parameters (see {@link FormPostVerifier}).
 *
 * A hex SHA-1 is 40 characters and a base64 one 28, so the header's length
 * picks the scheme. The form scheme reads only a body sent as
 * `application/x-www-form-urlencoded` (or a JSON body signed through
 * `bodySHA256`), so a JSON delivery's SHA-1, re-sent in base64, does not
 * verify as a form. A body that fits neither is rejected, never thrown on.
 *
 * The JSON schemes join URL and body with no separator, so the signature of
 * a delivery to `/voice-b` with body `{…}` also fits `/voice` with body
 * `-b{…}`. The body must therefore be a JSON document that starts with `{`
 * or `[` (checked before any HMAC) and parses (checked once verified): no
 * URL tail can be moved in front of it, and no part of it can be moved into
 * the URL, without leaving text that is not one JSON document.
 *
 * @see https://developer.signalwire.com/guides/swml/webhook-security
 */
export class SignalWireVerifier implements WebhookVerifier {
  /**
   * SignalWire, like Twilio, retries only within seconds when the URL asks; with no timestamp,
   * the claim is the only defence against a replay: the 3-day default.
   */
  readonly replayRetentionSeconds = 3 * 24 * 60 * 60;
  private readonly jsonSha256 = new HmacSchemeVerifier({
    header: SHA256_SIGNATURE,
    algorithm: 'sha256',
    encoding: 'hex',
    signedContent: '{url}{body}',
  });
  private readonly jsonSha1 = new HmacSchemeVerifier({
    header: SIGNATURE,
    algorithm: 'sha1',
    encoding: 'hex',
    signedContent: '{url}{body}',
  });
  private readonly formPost = new FormPostVerifier(SIGNATURE);
  /** The URL is part of what is signed. */
  readonly signsUrl = true;

  // SignalWire signs no timestamp, so the verifier options have nothing to set.
  constructor(_options?: VerifierOptions) {}

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    if (readHeader(request.headers, SHA256_SIGNATURE) !== undefined) return verifyJson(this.jsonSha256, request, secrets);
    const signature = readHeader(request.headers, SIGNATURE);
    if (signature === undefined) return rejected('missing_header');
    return signature.trim().length === SHA1_HEX_LENGTH ? verifyJson(this.jsonSha1, request, secrets) : this.formPost.verify(request, secrets);
  }

  /**
   * No delivery id is sent: a hash of what the signature covers. For JSON,
   * the URL and body; for form posts, the URL and form content verified. A
   * form whose content equals a JSON body gets that JSON delivery's id.
   */
  deliveryId(request: WebhookRequest): string | undefined {
    const signature = readHeader(request.headers, SIGNATURE);
    const form = readHeader(request.headers, SHA256_SIGNATURE) === undefined && signature?.trim().length !== SHA1_HEX_LENGTH;
    return form ? this.formPost.deliveryId(request) : this.jsonSha1.deliveryId(request);
  }

  sign(input: SignInput): Record<string, string> {
    if (input.format === 'form') return this.formPost.sign(input);
    return { ...this.jsonSha1.sign(input), ...this.jsonSha256.sign(input) };
  }
}

/** Verifies a JSON delivery whose body is one JSON object or array, and nothing else. */
function verifyJson(scheme: HmacSchemeVerifier, request: WebhookRequest, secrets: readonly string[]): VerificationResult {
  const first = request.rawBody[0];
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return rejected('no_matching_signature');
  const result = scheme.verify(request, secrets);
  if (!result.verified) return result;
  // Only a verified body is parsed, so an unsigned request never costs a parse.
  return parsedJson(request.rawBody) ? result : rejected('no_matching_signature');
}
