import {
  X509Certificate,
  createHash,
  createHmac,
  createSign,
  createVerify,
  generateKeyPairSync,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { parse as parseQuery } from 'node:querystring';
import type { Webhook as StandardWebhook } from 'standardwebhooks';
import { signWebhook } from '../../src/testing/index.js';
import { MAX_FORM_BYTES } from '../../src/verifiers/form-post.verifier.js';
import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../../src/verifiers/built-in-verifiers.js';
import { isTokenScheme } from '../../src/verifiers/described-verifier.js';
import type { HmacSchemeOptions } from '../../src/verifiers/hmac-scheme.verifier.js';
import { BUILT_IN_SCHEMES } from '../../src/verifiers/schemes/index.js';
import type { TokenSchemeOptions } from '../../src/verifiers/token-scheme.verifier.js';
import type { HmacAlgorithm } from '../../src/utils/signature.js';
import type { VerifierOptions, WebhookRequest } from '../../src/verifiers/webhook-verifier.interface.js';
import { paypalCertificate } from '../../test/support/key-server.js';
import { formBody, jsonBody } from '../lib/bodies.js';

const SECRET = 'bench-signing-secret-0123456789';
const STANDARD_WEBHOOKS_SECRET = `whsec_${Buffer.from('bench-standard-webhooks-key-0123').toString('base64')}`;
const URL = 'https://api.example.com/webhooks/bench?tenant=bench';

/** A timed function: true when the request verified. SDKs with an async API return a promise. */
export type Check = () => boolean | Promise<boolean>;

/** One case, ready to time on one body. Every check returns true on the signed request. */
export interface PreparedCase {
  /** The signed request, as the guard hands it to the verifier. */
  readonly request: WebhookRequest;
  /** The secret it was signed with. */
  readonly secret: string;
  /** The same check by hand: `createHmac` over the same signed content, then `timingSafeEqual`. */
  readonly bare: () => boolean;
  /** The vendor SDKs' own verify calls on the same request, by SDK call name. */
  readonly sdks: Readonly<Record<string, Check>>;
  /** Options of the verifier timed, for schemes whose keys are fetched. @default none */
  readonly options?: VerifierOptions;
}

/** The vendor SDKs' verify calls on a signed request, by SDK call name. */
type SdkChecks = (headers: Headers, body: Buffer, secret: string) => Record<string, Check>;

/** One row group of the micro benchmark: a built-in scheme on one kind of request. */
export interface MicroCase {
  /** Row label. */
  readonly label: string;
  /** The key in `BUILT_IN_VERIFIERS` whose verifier is timed. */
  readonly scheme: BuiltInScheme;
  /** Largest body the scheme accepts, when it has a limit: forms stop at `MAX_FORM_BYTES`. */
  readonly maxSize?: number;
  /** Builds the signed request and the bare and SDK checks for a body of `size` bytes. */
  prepare(size: number): PreparedCase;
  /** Run once before `prepare`: starts what the case needs, such as a key server. */
  setup?(): Promise<void>;
}

/** How a case is described: the scheme, the request, and the signed content by hand. */
interface CaseSpec {
  readonly label: string;
  readonly scheme: BuiltInScheme;
  readonly algorithm?: HmacAlgorithm;
  readonly form?: boolean;
  readonly secret?: string;
  /** The HMAC key of the bare check. @default the secret */
  readonly key?: string | Buffer;
  /** Headers the sender would leave out, to pick one of a scheme's variants. */
  readonly omit?: readonly string[];
  /** The signature of the signed request, decoded. */
  expected(headers: Headers): Buffer;
  /** The signed content, with `body` as the raw bytes. */
  content(headers: Headers, body: Buffer): (string | Buffer)[];
  /**
   * Loads the vendor SDKs and gives their verify calls. Only the process
   * that times the case loads them: every SDK in every process would add
   * a second of start-up and a heap that costs more to collect.
   */
  sdks?(): Promise<SdkChecks>;
  /** The check by hand, when it is no HMAC (a token compared as is). @default HMAC over `content`, compared with `expected` */
  bare?(headers: Headers, secret: string): () => boolean;
}

/** The signed request's headers, each read as one string. */
type Headers = Record<string, string>;

/** Builds a micro case from its description, signing with the library's own signer. */
function microCase(spec: CaseSpec): MicroCase {
  const secret = spec.secret ?? SECRET;
  let sdks: SdkChecks | undefined;
  return {
    label: spec.label,
    scheme: spec.scheme,
    ...(spec.form && { maxSize: MAX_FORM_BYTES }),
    async setup() {
      sdks = await spec.sdks?.();
    },
    prepare(size) {
      const body = spec.form ? formBody(size) : jsonBody(size);
      const format = spec.form ? 'form' : 'json';
      // A form is read as one only when sent as such.
      const headers: Headers = spec.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
      for (const [name, value] of Object.entries(signWebhook(spec.scheme, { secret, body, url: URL, format }))) {
        if (!spec.omit?.includes(name.toLowerCase())) headers[name.toLowerCase()] = value;
      }
      const parts = spec.content(headers, body);
      const expected = spec.expected(headers);
      const key = spec.key ?? secret;
      return {
        request: { rawBody: body, headers, url: URL, method: 'POST' },
        secret,
        bare:
          spec.bare?.(headers, secret) ??
          (() => {
            const mac = createHmac(spec.algorithm ?? 'sha256', key);
            for (const part of parts) mac.update(part);
            const digest = mac.digest();
            return digest.length === expected.length && timingSafeEqual(digest, expected);
          }),
        sdks: sdks?.(headers, body, secret) ?? {},
      };
    },
  };
}

/** A header's value after `prefix`, decoded. */
const decoded = (value: string | undefined, encoding: 'hex' | 'base64', prefix = ''): Buffer => {
  if (value === undefined || !value.startsWith(prefix)) throw new Error(`the signed request lacks a '${prefix}' signature`);
  return Buffer.from(value.slice(prefix.length), encoding);
};

/** The form parameters as the form scheme signs them: names sorted, each followed by its value. */
function formSignedContent(body: Buffer): string {
  const params = [...new URLSearchParams(body.toString('utf8'))];
  return params
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => name + value)
    .join('');
}

/** Form parameters as a body parser gives them to an SDK, with no cap on their number. */
const parsedForm = (body: Buffer) => parseQuery(body.toString('utf8'), '&', '=', { maxKeys: 0 });

/** A Standard Webhooks case: the same scheme under the `webhook-*` or the `svix-*` names. */
function standardWebhooksCase(scheme: 'standardwebhooks' | 'svix', sdk: string, load: () => Promise<typeof StandardWebhook>): MicroCase {
  return microCase({
    label: scheme,
    scheme,
    secret: STANDARD_WEBHOOKS_SECRET,
    key: Buffer.from(STANDARD_WEBHOOKS_SECRET.slice('whsec_'.length), 'base64'),
    expected: (headers) => decoded(headers[`${scheme === 'svix' ? 'svix' : 'webhook'}-signature`], 'base64', 'v1,'),
    content: (headers, body) => {
      const prefix = scheme === 'svix' ? 'svix' : 'webhook';
      return [`${headers[`${prefix}-id`]}.${headers[`${prefix}-timestamp`]}.`, body];
    },
    // The SDKs verify, then parse the JSON body and return it; that is their API.
    sdks: async () => {
      const Webhook = await load();
      return (headers, body, secret) => {
        const webhook = new Webhook(secret);
        return { [sdk]: () => webhook.verify(body, headers) !== undefined };
      };
    },
  });
}

/** How a public-key case is described: the scheme, its test key pair, and the check by hand. */
interface PublicKeyCaseSpec {
  readonly label: string;
  readonly scheme: BuiltInScheme;
  /** The provider's secret: the public key, as the scheme takes it. */
  readonly secret: string;
  /** The test key pair's private key, which the library's signer signs with. */
  readonly privateKey: KeyObject;
  /** The check by hand: `node:crypto`'s verify over the signed content, given the signed request. */
  bare(headers: Headers, body: Buffer): () => boolean;
  /** Loads the vendor SDKs and gives their verify calls on the signed request. */
  sdks(): Promise<(headers: Headers, body: Buffer) => Record<string, Check>>;
}

/**
 * A case for a scheme that verifies with a public key (Discord, SendGrid),
 * signed with a test key pair by the library's signer. An HMAC is no
 * baseline here: the check by hand is the same public-key verify with
 * `node:crypto`, and the vendor's SDK is timed beside it.
 */
function publicKeyCase(spec: PublicKeyCaseSpec): MicroCase {
  let sdks: Awaited<ReturnType<PublicKeyCaseSpec['sdks']>> | undefined;
  return {
    label: spec.label,
    scheme: spec.scheme,
    async setup() {
      sdks = await spec.sdks();
    },
    prepare(size) {
      const body = jsonBody(size);
      const headers: Headers = {};
      for (const [name, value] of Object.entries(signWebhook(spec.scheme, { secret: spec.secret, body, privateKey: spec.privateKey }))) {
        headers[name.toLowerCase()] = value;
      }
      return {
        request: { rawBody: body, headers: headers, url: URL, method: 'POST' },
        secret: spec.secret,
        bare: spec.bare(headers, body),
        sdks: sdks!(headers, body),
      };
    },
  };
}

const DISCORD_KEYS = generateKeyPairSync('ed25519');
const DISCORD_PUBLIC_KEY = Buffer.from(DISCORD_KEYS.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
const SENDGRID_KEYS = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/**
 * A key server on 127.0.0.1 answering every request with `body`, for the
 * schemes whose keys are fetched; it keeps no process alive. Only the first
 * verify fetches: the verifier caches the key, as in production.
 */
async function keyServer(body: string): Promise<string> {
  const server = createServer((request, response) => {
    request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * PayPal: RSA-SHA256 over `id|time|webhookId|crc32(body)`, with the
 * certificate served by a local key server and issued by a test authority.
 * No vendor SDK verifies offline (PayPal's Node SDKs call its
 * verify-webhook-signature API), so the baseline is the same check by hand.
 */
function paypalMicroCase(): MicroCase {
  const cert = paypalCertificate();
  const webhookId = 'BENCHWEBHOOK1';
  const path = '/v1/notifications/certs/CERT-bench';
  let origin = '';
  return {
    label: 'paypal',
    scheme: 'paypal',
    async setup() {
      origin = await keyServer(cert.certificate);
    },
    prepare(size) {
      const body = jsonBody(size);
      const id = 'd938e770-8046-11e6-8103-6b62a8a99ac4';
      const time = new Date().toISOString();
      const signature = createSign('sha256')
        .update(`${id}|${time}|${webhookId}|${crc32(body)}`)
        .sign(cert.privateKey);
      const headers = {
        'paypal-transmission-id': id,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': signature.toString('base64'),
        'paypal-cert-url': `${origin}${path}`,
        'paypal-auth-algo': 'SHA256withRSA',
      };
      const publicKey = new X509Certificate(cert.certificate).publicKey;
      return {
        request: { rawBody: body, headers, url: URL, method: 'POST' },
        secret: webhookId,
        options: { keyOrigins: [origin], certificateAuthorities: [cert.authority] },
        // The certificate by hand is parsed once: the verifier caches it too.
        bare: () =>
          createVerify('sha256')
            .update(`${id}|${time}|${webhookId}|${crc32(body)}`)
            .verify(publicKey, signature),
        sdks: {},
      };
    },
  };
}

/**
 * Plaid: an ES256 JWT over the body's SHA-256, with the key served by a local
 * key server. Plaid's SDK only fetches the key (webhookVerificationKeyGet);
 * the rest are steps of its docs, so the baseline is those steps by hand.
 */
function plaidMicroCase(): MicroCase {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'bench-kid';
  let origin = '';
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    label: 'plaid',
    scheme: 'plaid',
    async setup() {
      const jwk = { ...keys.publicKey.export({ format: 'jwk' }), alg: 'ES256', kid, use: 'sig', created_at: 1_700_000_000, expired_at: null };
      origin = await keyServer(JSON.stringify({ key: jwk, request_id: 'bench' }));
    },
    prepare(size) {
      const body = jsonBody(size);
      const claims = { iat: Math.floor(Date.now() / 1000), request_body_sha256: createHash('sha256').update(body).digest('hex') };
      const input = `${segment({ alg: 'ES256', kid, typ: 'JWT' })}.${segment(claims)}`;
      const signature = cryptoSign('sha256', Buffer.from(input), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
      const expected = Buffer.from(claims.request_body_sha256, 'hex');
      return {
        request: { rawBody: body, headers: { 'plaid-verification': `${input}.${signature.toString('base64url')}` }, url: URL, method: 'POST' },
        secret: 'bench-client:bench-secret',
        options: { keyOrigins: [origin] },
        bare: () =>
          cryptoVerify('sha256', Buffer.from(input), { key: keys.publicKey, dsaEncoding: 'ieee-p1363' }, signature) &&
          timingSafeEqual(createHash('sha256').update(body).digest(), expected),
        sdks: {},
      };
    },
  };
}

/** Secrets in the formats described schemes ask for; each gets the first its verifier accepts. */
const SECRET_FORMATS = [SECRET, STANDARD_WEBHOOKS_SECRET, `v1,${STANDARD_WEBHOOKS_SECRET}`, `bench:${SECRET}`];

/** The HMAC key of a described scheme's secret, decoded as the description says. */
function describedKey(scheme: HmacSchemeOptions, secret: string): string | Buffer {
  const prefix = [scheme.secretPrefix ?? ''].flat().find((candidate) => secret.startsWith(candidate)) ?? '';
  const text = secret.slice(prefix.length);
  return scheme.secretEncoding === 'hex' || scheme.secretEncoding === 'base64' ? Buffer.from(text, scheme.secretEncoding) : text;
}

/**
 * A case for any scheme described as data, read from its description: the
 * signed content is the template with the headers' values put in, the bare
 * check an HMAC over it; for a token, a hash of each side compared.
 */
function describedCase(name: keyof typeof BUILT_IN_SCHEMES): MicroCase {
  const description: HmacSchemeOptions | TokenSchemeOptions = BUILT_IN_SCHEMES[name];
  const verifier = new BUILT_IN_VERIFIERS[name]();
  const secret = SECRET_FORMATS.find((candidate) => verifier.checkSecret?.(candidate) === undefined)!;
  if (isTokenScheme(description)) {
    const sha256 = (value: string | Buffer) => createHash('sha256').update(value).digest();
    return microCase({
      label: name,
      scheme: name,
      secret,
      expected: () => Buffer.alloc(0),
      content: () => [],
      bare: (headers) => {
        const sent = headers[description.header ?? 'authorization']!;
        const credential = description.kind === 'basic' ? Buffer.from(sent.slice('Basic '.length), 'base64') : sent;
        const expected = sha256(secret);
        return () => timingSafeEqual(sha256(credential), expected);
      },
    });
  }
  const scheme = description;
  const header = [scheme.header].flat()[0]!;
  const entries = (headers: Headers) => (scheme.separator ? headers[header]!.split(scheme.separator).map((entry) => entry.trim()) : [headers[header]!]);
  const timestampOf = (headers: Headers) => {
    const source = scheme.timestamp;
    if (!source) return '';
    if ('header' in source) return headers[source.header]!;
    if ('first' in source) return entries(headers)[0]!;
    return entries(headers)
      .find((entry) => entry.startsWith(`${source.key}=`))!
      .slice(source.key.length + 1);
  };
  const signatureEntries = (headers: Headers) => {
    const source = scheme.timestamp;
    if (source && 'first' in source) return entries(headers).slice(1);
    if (source && 'key' in source) return entries(headers).filter((entry) => !entry.startsWith(`${source.key}=`));
    return entries(headers);
  };
  const decode = (url: string) => (scheme.urlDecode ?? []).reduce((text, escape) => text.replaceAll(escape, decodeURIComponent(escape)), url);
  return microCase({
    label: name,
    scheme: name,
    algorithm: scheme.algorithm,
    secret,
    key: describedKey(scheme, secret),
    expected: (headers) => decoded(signatureEntries(headers)[0], scheme.encoding === 'hex' ? 'hex' : 'base64', scheme.prefix),
    content: (headers, body) => {
      const fields: Record<string, string> = {
        timestamp: timestampOf(headers),
        id: scheme.id ? headers[scheme.id.header]! : '',
        method: 'POST',
        url: decode(URL),
      };
      const [before, after] = (scheme.signedContent ?? '{body}')
        .split('{body}')
        .map((part) => part.replace(/\{(\w+)\}/g, (_, field: string) => fields[field]!));
      return [before!, body, after!].filter((part) => part.length > 0);
    },
  });
}

/**
 * The cases written out: one entry per scheme that needs code or has a vendor
 * SDK to time (several for a scheme with several kinds of request), each with
 * the same check written by hand and the vendor's own SDK where there is one. SDKs that take the body
 * as a string or as parsed parameters pay for that conversion, as their
 * users do.
 */
const SDK_CASES: readonly MicroCase[] = [
  microCase({
    label: 'trophy',
    scheme: 'trophy',
    expected: (headers) => decoded(headers['x-trophy-signature'], 'base64'),
    content: (_headers, body) => [body],
  }),
  microCase({
    label: 'fullup',
    scheme: 'fullup',
    expected: (headers) => decoded(headers['fullup-signature'], 'hex'),
    content: (_headers, body) => [body],
  }),
  microCase({
    label: 'noyo',
    scheme: 'noyo',
    expected: (headers) => decoded(headers['x-noyo-signature'], 'hex'),
    content: (headers, body) => [`${headers['x-noyo-timestamp']}.`, body],
  }),
  microCase({
    label: 'signalwire JSON SHA-256',
    scheme: 'signalwire',
    expected: (headers) => decoded(headers['x-signalwire-sha256-signature'], 'hex'),
    content: (_headers, body) => [URL, body],
  }),
  microCase({
    label: 'signalwire JSON SHA-1',
    scheme: 'signalwire',
    algorithm: 'sha1',
    omit: ['x-signalwire-sha256-signature'],
    expected: (headers) => decoded(headers['x-signalwire-signature'], 'hex'),
    content: (_headers, body) => [URL, body],
    sdks: async () => {
      const { validateRequest } = await import('@signalwire/web-api');
      return (headers, body, secret) => ({
        '@signalwire/web-api validateRequest': () => validateRequest(secret, headers['x-signalwire-signature']!, URL, body.toString('utf8')),
      });
    },
  }),
  microCase({
    label: 'signalwire form (cXML)',
    scheme: 'signalwire',
    algorithm: 'sha1',
    form: true,
    expected: (headers) => decoded(headers['x-signalwire-signature'], 'base64'),
    // By hand, the signed content is built once; the verifier parses the body on every call.
    content: (_headers, body) => [URL + formSignedContent(body)],
    sdks: async () => {
      const { RestClient } = await import('@signalwire/compatibility-api');
      return (headers, body, secret) => ({
        '@signalwire/compatibility-api validateRequest': () =>
          RestClient.validateRequest(secret, headers['x-signalwire-signature']!, URL, parsedForm(body), true),
      });
    },
  }),
  microCase({
    label: 'stripe',
    scheme: 'stripe',
    expected: (headers) => decoded(headers['stripe-signature']?.split(',')[1], 'hex', 'v1='),
    content: (headers, body) => [`${headers['stripe-signature']!.split(',')[0]!.slice('t='.length)}.`, body],
    sdks: async () => {
      const { default: Stripe } = await import('stripe');
      return (headers, body, secret) => ({
        // constructEvent also parses the JSON body; verifyHeader only checks.
        'stripe webhooks.constructEvent': () => Stripe.webhooks.constructEvent(body, headers['stripe-signature']!, secret) !== undefined,
        'stripe webhooks.signature.verifyHeader': () => Stripe.webhooks.signature!.verifyHeader(body, headers['stripe-signature']!, secret, 300),
      });
    },
  }),
  microCase({
    label: 'github',
    scheme: 'github',
    expected: (headers) => decoded(headers['x-hub-signature-256'], 'hex', 'sha256='),
    content: (_headers, body) => [body],
    sdks: async () => {
      const { verify } = await import('@octokit/webhooks-methods');
      return (headers, body, secret) => ({
        '@octokit/webhooks-methods verify': () => verify(secret, body.toString('utf8'), headers['x-hub-signature-256']!),
      });
    },
  }),
  microCase({
    label: 'slack',
    scheme: 'slack',
    expected: (headers) => decoded(headers['x-slack-signature'], 'hex', 'v0='),
    content: (headers, body) => [`v0:${headers['x-slack-request-timestamp']}:`, body],
  }),
  microCase({
    label: 'shopify',
    scheme: 'shopify',
    expected: (headers) => decoded(headers['x-shopify-hmac-sha256'], 'base64'),
    content: (_headers, body) => [body],
  }),
  microCase({
    label: 'twilio form',
    scheme: 'twilio',
    algorithm: 'sha1',
    form: true,
    expected: (headers) => decoded(headers['x-twilio-signature'], 'base64'),
    content: (_headers, body) => [URL + formSignedContent(body)],
    sdks: async () => {
      const { validateRequest } = await import('twilio/lib/webhooks/webhooks.js');
      return (headers, body, secret) => ({
        'twilio validateRequest': () => validateRequest(secret, headers['x-twilio-signature']!, URL, parsedForm(body)),
      });
    },
  }),
  publicKeyCase({
    label: 'discord',
    scheme: 'discord',
    secret: DISCORD_PUBLIC_KEY,
    privateKey: DISCORD_KEYS.privateKey,
    // Ed25519 over the timestamp and the body, as one message.
    bare: (headers, body) => {
      const signature = decoded(headers['x-signature-ed25519'], 'hex');
      const timestamp = Buffer.from(headers['x-signature-timestamp']!);
      return () => cryptoVerify(null, Buffer.concat([timestamp, body]), DISCORD_KEYS.publicKey, signature);
    },
    // verifyKey imports the hex key with WebCrypto on each call: that is its API.
    sdks: async () => {
      const { verifyKey } = await import('discord-interactions');
      return (headers, body) => ({
        'discord-interactions verifyKey': () => verifyKey(body, headers['x-signature-ed25519']!, headers['x-signature-timestamp']!, DISCORD_PUBLIC_KEY),
      });
    },
  }),
  publicKeyCase({
    label: 'sendgrid',
    scheme: 'sendgrid',
    secret: SENDGRID_KEYS.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey: SENDGRID_KEYS.privateKey,
    // ECDSA P-256 with SHA-256 over the timestamp and the body, the signature in DER.
    bare: (headers, body) => {
      const signature = decoded(headers['x-twilio-email-event-webhook-signature'], 'base64');
      const timestamp = Buffer.from(headers['x-twilio-email-event-webhook-timestamp']!);
      return () => cryptoVerify('sha256', Buffer.concat([timestamp, body]), SENDGRID_KEYS.publicKey, signature);
    },
    // The SDK's key is converted once, as its users do; verifySignature reads the body as a string.
    sdks: async () => {
      const { EventWebhook } = await import('@sendgrid/eventwebhook');
      return (headers, body) => {
        const sdk = new EventWebhook();
        const key = sdk.convertPublicKeyToECDSA(SENDGRID_KEYS.publicKey.export({ format: 'pem', type: 'spki' }).toString());
        return {
          '@sendgrid/eventwebhook verifySignature': () =>
            sdk.verifySignature(key, body, headers['x-twilio-email-event-webhook-signature']!, headers['x-twilio-email-event-webhook-timestamp']!),
        };
      };
    },
  }),
  paypalMicroCase(),
  plaidMicroCase(),
  standardWebhooksCase('standardwebhooks', 'standardwebhooks Webhook.verify', async () => (await import('standardwebhooks')).Webhook),
  standardWebhooksCase('svix', 'svix Webhook.verify', async () => (await import('svix')).Webhook as unknown as typeof StandardWebhook),
];

/** The cases above, and one read from its description for every other scheme described as data. */
export const MICRO_CASES: readonly MicroCase[] = [
  ...SDK_CASES,
  ...(Object.keys(BUILT_IN_SCHEMES) as (keyof typeof BUILT_IN_SCHEMES)[])
    .filter((name) => !SDK_CASES.some((microCase) => microCase.scheme === name))
    .map(describedCase),
];
