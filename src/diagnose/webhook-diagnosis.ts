import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULT_TOLERANCE_SECONDS } from '../webhook-security.constants.js';
import { BUILT_IN_VERIFIERS, isBuiltInScheme, unknownSchemeMessage } from '../verifiers/built-in-verifiers.js';
import { describedVerifier, isTokenScheme } from '../verifiers/described-verifier.js';
import { HmacSchemeVerifier } from '../verifiers/hmac-scheme.verifier.js';
import type { VerificationFailureReason, VerifierOptions, WebhookRequest, WebhookVerifier } from '../verifiers/webhook-verifier.interface.js';
import { algorithmVariants, bodyVariants, encodingVariants, secretVariants, urlVariants, type Variant } from './diagnosis-variants.js';
import type { DiagnosisCause, WebhookDiagnosis, WebhookDiagnosisInput } from './webhook-diagnosis.interface.js';

/** What one verification gets: the request and the HMAC key. */
interface Attempt {
  readonly request: WebhookRequest;
  readonly key: string | Buffer;
}

type VerifierFactory = (options: VerifierOptions) => WebhookVerifier;

/** Inputs and verifier to try, and what it means if they verify: none for the inputs as given. */
interface Candidate {
  readonly attempt: Attempt;
  readonly create?: VerifierFactory;
  readonly cause?: DiagnosisCause;
}

// About 35,000 years: wide enough to take any timestamp out of the question.
const UNBOUNDED_SECONDS = 2 ** 40;

/**
 * Tells why a webhook is rejected. It verifies the request as given with the
 * scheme's own verifier, then with one input changed at a time, from a
 * bounded list, and reports the change that makes it verify:
 *
 * - the body parsed and serialised again (the app hashes parsed JSON), or its final newline;
 * - the URL with the other of http/https, with or without its port, trailing slash or query string;
 * - the signature re-encoded (hex, base64, base64url), or, for a declarative scheme, another hash;
 * - the secret trimmed, with or without `whsec_`, base64-decoded or used as text;
 * - and, for a signature that is right but late or early, how many minutes outside the tolerance.
 *
 * No cause ever contains the secret or a signature.
 *
 * @example
 * ```ts
 * const diagnosis = await diagnoseWebhook({ scheme: 'fullup', secret, headers: req.headers, body: rawBody });
 * if (!diagnosis.verified) console.log(diagnosis.reason, diagnosis.causes[0]?.message);
 * ```
 */
export async function diagnoseWebhook(input: WebhookDiagnosisInput): Promise<WebhookDiagnosis> {
  const create = verifierFactory(input.scheme);
  const receivedAt = input.receivedAt === undefined ? Date.now() : Number(input.receivedAt);
  const toleranceSeconds = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const given: Attempt = {
    request: { rawBody: Buffer.from(input.body), headers: lowerCaseNames(input.headers), url: input.url ?? '' },
    key: input.secret,
  };

  const result = await create({ toleranceSeconds, clock: () => receivedAt }).verify(given.request, [input.secret]);
  if (result.verified) return { verified: true, causes: [] };

  // Time aside, which inputs verify? The timestamp is judged after, on those inputs.
  const timeless = (factory: VerifierFactory) => factory({ toleranceSeconds: UNBOUNDED_SECONDS, clock: () => receivedAt });
  const match: Candidate | undefined = (await verifies(timeless(create), given))
    ? { attempt: given }
    : await firstMatch(variantsOf(input, given), (candidate) => timeless(candidate.create ?? create));
  if (!match) {
    return { verified: false, reason: result.reason, causes: [unmatchedCause(result.reason)] };
  }
  const causes: DiagnosisCause[] = [];
  if (match.cause) causes.push(match.cause);
  const late = await timestampCause(match.create ?? create, match.attempt, receivedAt, toleranceSeconds);
  if (late) causes.push(late);
  return { verified: false, reason: result.reason, causes };
}

/** Every single change to try, likeliest first. */
function* variantsOf(input: WebhookDiagnosisInput, given: Attempt): Generator<Candidate> {
  const { request } = given;
  const each = function* <T>(variants: Variant<T>[], apply: (value: T) => Attempt) {
    for (const { value, cause } of variants) yield { attempt: apply(value), cause };
  };
  yield* each(secretVariants(input.secret), (key) => ({ request, key }));
  yield* each(bodyVariants(request.rawBody), (rawBody) => ({ ...given, request: { ...request, rawBody } }));
  yield* each(urlVariants(request.url), (url) => ({ ...given, request: { ...request, url } }));
  yield* each(encodingVariants(request.headers), (headers) => ({ ...given, request: { ...request, headers } }));
  if (typeof input.scheme === 'object' && !isTokenScheme(input.scheme)) {
    for (const { value: scheme, cause } of algorithmVariants(input.scheme)) {
      yield { attempt: given, create: (options) => new HmacSchemeVerifier(scheme, options), cause };
    }
  }
}

async function firstMatch(candidates: Iterable<Candidate>, verifierOf: (candidate: Candidate) => WebhookVerifier): Promise<Candidate | undefined> {
  for (const candidate of candidates) if (await verifies(verifierOf(candidate), candidate.attempt)) return candidate;
  return undefined;
}

/**
 * True when the attempt verifies. A decoded secret is passed as bytes: the
 * library's verifiers hand the key to `hmac()`, which takes either. A
 * verifier that needs a string may throw on it; that counts as no match.
 */
async function verifies(verifier: WebhookVerifier, { request, key }: Attempt): Promise<boolean> {
  try {
    return (await verifier.verify(request, [key as string])).verified;
  } catch {
    return false;
  }
}

/**
 * How far the signed time lies from `receivedAt`, found with the verifier
 * alone: the smallest tolerance that accepts it, by bisection, then which
 * side of `receivedAt` it lies on.
 */
async function timestampCause(create: VerifierFactory, attempt: Attempt, receivedAt: number, toleranceSeconds: number): Promise<DiagnosisCause | undefined> {
  const accepts = (tolerance: number, clock = receivedAt) => verifies(create({ toleranceSeconds: tolerance, clock: () => clock }), attempt);
  if (await accepts(toleranceSeconds)) return undefined;

  let low = Math.ceil(toleranceSeconds);
  let high = UNBOUNDED_SECONDS;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (await accepts(mid)) high = mid;
    else low = mid + 1;
  }
  const stale = await accepts(1, receivedAt - low * 1000);
  const outside = `${minutes(low - toleranceSeconds)} outside the tolerance of ${minutes(toleranceSeconds)}`;
  return stale
    ? {
        code: 'timestamp_stale',
        message: `The signed timestamp is ${minutes(low)} before the request arrived, ${outside}: a stale or replayed delivery, or a retry of an old one. When diagnosing a logged request, give the time it arrived (--received-at).`,
      }
    : {
        code: 'timestamp_in_future',
        message: `The signed timestamp is ${minutes(low)} after the request arrived, ${outside}: the clocks of sender and server disagree. Synchronise the server clock (NTP).`,
      };
}

/** A duration in whole minutes, at least one, or in hours or days past two of them: "12 minutes", "7 days". */
function minutes(seconds: number): string {
  const [count, unit] =
    seconds >= 2 * 86_400
      ? [Math.round(seconds / 86_400), 'day']
      : seconds >= 2 * 3_600
        ? [Math.round(seconds / 3_600), 'hour']
        : [Math.max(1, Math.round(seconds / 60)), 'minute'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** The cause when nothing tried verifies: what the reason itself says. */
function unmatchedCause(reason: VerificationFailureReason): DiagnosisCause {
  if (reason === 'missing_header') {
    return { code: 'missing_header', message: 'A header the scheme needs is absent: check that every header was passed, with the names the sender uses.' };
  }
  if (reason === 'malformed_header') {
    return {
      code: 'malformed_header',
      message: 'A signature or timestamp header does not parse, in any encoding tried: check that its value was copied whole.',
    };
  }
  if (reason === 'unknown_key_version') {
    return {
      code: 'unknown_key_version',
      message: 'The signature header lists no signature of a version the scheme knows (such as v1): check the scheme chosen.',
    };
  }
  return {
    code: 'no_variant_matched',
    message:
      'No variant of the body, URL, encoding or secret verifies: most likely the secret is not the one the sender signs with (another endpoint, test versus live mode, or rotated). Otherwise the body is not the exact bytes sent, or, for schemes that sign the URL, the URL differs in more than scheme, port, trailing slash and query string.' +
      (reason === 'timestamp_out_of_tolerance' ? ' The timestamp is outside the tolerance too; how far cannot be told without a signature that verifies.' : ''),
  };
}

function verifierFactory(scheme: WebhookDiagnosisInput['scheme']): VerifierFactory {
  if (typeof scheme === 'function') return scheme;
  if (typeof scheme === 'object') return (options) => describedVerifier(scheme, options);
  if (!isBuiltInScheme(scheme)) {
    throw new TypeError(unknownSchemeMessage(String(scheme)));
  }
  return (options) => new BUILT_IN_VERIFIERS[scheme](options);
}

function lowerCaseNames(headers: WebhookDiagnosisInput['headers']): IncomingHttpHeaders {
  const lowered: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) lowered[name.toLowerCase()] = typeof value === 'string' ? value : [...value];
  }
  return lowered;
}
