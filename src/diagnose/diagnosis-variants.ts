import type { IncomingHttpHeaders } from 'node:http';
import { DIGEST_BYTES, decodeSignature, encodeSignature, type HmacAlgorithm, type SignatureEncoding } from '../utils/signature.js';
import type { HmacSchemeOptions } from '../verifiers/hmac-scheme.verifier.js';
import type { DiagnosisCause } from './webhook-diagnosis.interface.js';

/** A changed body, URL, header set or key to try, and the cause it points to if it verifies. */
export interface Variant<T> {
  readonly value: T;
  readonly cause: DiagnosisCause;
}

const WHSEC = 'whsec_';
const BASE64_SECRET = /^[A-Za-z0-9+/]+={0,2}$/;
const DIGEST_LENGTHS = new Set(Object.values(DIGEST_BYTES));
const URL_PARTS = /^(https?):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/i;
const HOST_PORT = /^(.*?)(?::(\d+))?$/;
// A run of the characters of hex, base64 and base64url, with its padding.
const TOKEN = /[A-Za-z0-9+/_-]+={0,2}/g;

/**
 * Keys to try in place of the configured secret: trimmed, with and without
 * `whsec_`, and with that prefix's two readings swapped. Stripe uses the whole
 * `whsec_…` string as text; Standard Webhooks base64-decodes what follows it.
 */
export function secretVariants(secret: string): Variant<string | Buffer>[] {
  const variants: Variant<string | Buffer>[] = [];
  const trimmed = secret.trim();
  if (trimmed.length < secret.length) {
    variants.push({
      value: trimmed,
      cause: {
        code: 'secret_whitespace',
        message: `The configured secret has ${/[\r\n]\s*$/.test(secret) ? 'a trailing newline' : 'whitespace around it'}; the signature verifies with it trimmed. Secrets read from a file or a .env line often keep it: trim the value before passing it to the module.`,
      },
    });
  }
  const hasPrefix = trimmed.startsWith(WHSEC);
  const rest = hasPrefix ? trimmed.slice(WHSEC.length) : trimmed;
  const encoded = hasPrefix ? 'what follows `whsec_`' : 'the secret';
  variants.push({
    value: hasPrefix ? rest : WHSEC + trimmed,
    cause: {
      code: 'secret_prefix',
      message: hasPrefix
        ? 'The signature verifies with the secret without its `whsec_` prefix: this sender signs with what follows the prefix. Configure the secret without it.'
        : 'The signature verifies with `whsec_` in front of the secret: the sender signs with the whole secret as text, prefix included (as Stripe does). Configure the secret exactly as the dashboard shows it, `whsec_` and all.',
    },
  });
  if (BASE64_SECRET.test(rest)) {
    variants.push({
      value: Buffer.from(rest, 'base64'),
      cause: {
        code: 'secret_base64_decoded',
        message: `The signature verifies with the base64 decoding of ${encoded} as the key, as Standard Webhooks (Svix and others) does, while this scheme uses the secret as text, as Stripe does. If the sender follows Standard Webhooks, use the \`standardwebhooks\` scheme.`,
      },
    });
  }
  // A scheme that decodes `whsec_<base64>` gets back exactly the text of the secret.
  variants.push({
    value: WHSEC + Buffer.from(trimmed).toString('base64'),
    cause: {
      code: 'secret_used_as_text',
      message: `The signature verifies with the secret used as text${hasPrefix ? ', `whsec_` included' : ''}, as Stripe does, while this scheme base64-decodes ${encoded}, as Standard Webhooks does. Use the scheme of the sender (\`stripe\` for Stripe).`,
    },
  });
  return variants;
}

/**
 * Bodies to try in place of the bytes given: the final newline toggled, and
 * the JSON parsed and written again the ways common serialisers write it.
 */
export function bodyVariants(rawBody: Buffer): Variant<Buffer>[] {
  const text = rawBody.toString('utf8');
  const variants: Variant<Buffer>[] = [];
  const add = (body: string, cause: DiagnosisCause): void => {
    const bytes = Buffer.from(body);
    if (!bytes.equals(rawBody) && !variants.some((variant) => variant.value.equals(bytes))) variants.push({ value: bytes, cause });
  };

  // The newline first: a compact JSON body that gained a newline is not a re-serialisation.
  const withoutNewline = text.replace(/\r?\n$/, '');
  const newline =
    withoutNewline !== text
      ? { body: withoutNewline, change: 'without its final newline', hint: 'the body given here gained one (an editor saving the file, or echo)' }
      : {
          body: `${text}\n`,
          change: 'with a final newline',
          hint: 'the body given here lost the one the sender sent (copying it, or curl -d, which strips newlines; use --data-binary)',
        };
  add(newline.body, { code: 'body_newline', message: `The signature matches the body ${newline.change}: ${newline.hint}.` });

  for (const [form, body] of jsonForms(text)) {
    add(body, {
      code: 'reserialized_json',
      message: `The signature matches the body written as ${form}, not the bytes given: the JSON was parsed and serialised again between the sender and the HMAC. Your app hashes parsed JSON (such as JSON.stringify of req.body); hash the exact bytes received instead: create the app with { rawBody: true } and let the guard read req.rawBody. If the body given here was copied from a log of the parsed body, give the raw bytes instead.`,
    });
  }
  return variants;
}

/**
 * A JSON body as common serialisers write it, each with its name; none for a
 * body that is not JSON, or too deeply nested to write again.
 */
function jsonForms(text: string): [string, string][] {
  try {
    const value: unknown = JSON.parse(text);
    const compact = JSON.stringify(value);
    return [
      ['JSON.stringify(body)', compact],
      ['JSON.stringify(body, null, 2)', JSON.stringify(value, null, 2)],
      ['JSON.stringify(body, null, 4)', JSON.stringify(value, null, 4)],
      ["JSON.stringify(body, null, '\\t')", JSON.stringify(value, null, '\t')],
      ['compact JSON with non-ASCII characters escaped as \\uXXXX', escapeNonAscii(compact)],
      ['PHP\'s json_encode(body) ("/" and non-ASCII characters escaped)', escapeNonAscii(compact).replaceAll('/', '\\/')],
      ['Python\'s json.dumps(body) (", " and ": " separators, non-ASCII characters escaped)', escapeNonAscii(pythonDumps(value))],
    ];
  } catch {
    return [];
  }
}

/**
 * URLs to try in place of the one given: the other of http and https, the
 * port removed or the default one added, the trailing slash toggled and the
 * query string dropped, alone and combined, fewest changes first.
 */
export function urlVariants(url: string): Variant<string>[] {
  const parts = URL_PARTS.exec(url);
  if (!parts) return [];
  const [, scheme = '', authority = '', path = '', query = ''] = parts;
  const [, host = '', port] = HOST_PORT.exec(authority) ?? [];
  const otherScheme = scheme.toLowerCase() === 'https' ? 'http' : 'https';

  const schemes: [string, string[]][] = [
    [scheme, []],
    [otherScheme, [`${otherScheme} instead of ${scheme}`]],
  ];
  const hosts: [string, string[]][] = [[authority, []]];
  if (port) hosts.push([host, [`without the port :${port}`]]);
  else for (const added of ['443', '80']) hosts.push([`${host}:${added}`, [`with the port :${added}`]]);
  const slashed = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
  const paths: [string, string[]][] = [
    [path, []],
    [slashed, [slashed.endsWith('/') ? 'with a trailing slash' : 'without the trailing slash']],
  ];
  const queries: [string, string[]][] = query
    ? [
        [query, []],
        ['', ['without the query string']],
      ]
    : [[query, []]];

  const variants: { url: string; changes: string[] }[] = [];
  for (const [s, a] of schemes)
    for (const [h, b] of hosts)
      for (const [p, c] of paths)
        for (const [q, d] of queries) {
          const changes = [...a, ...b, ...c, ...d];
          if (changes.length > 0) variants.push({ url: `${s}://${h}${p}${q}${url.slice(parts[0].length)}`, changes });
        }
  return variants
    .sort((x, y) => x.changes.length - y.changes.length)
    .map(({ url: variant, changes }) => ({ value: variant, cause: { code: 'url_variant', message: urlMessage(url, variant, changes) } }));
}

function urlMessage(given: string, variant: string, changes: readonly string[]): string {
  const origin = changes.some((change) => /instead of|port/.test(change));
  const advice = origin
    ? 'The app sees another origin than the sender called, as behind a TLS-terminating proxy or load balancer: set publicBaseUrl to the public origin the sender calls.'
    : 'The URL registered with the sender differs from the one the app rebuilds: register the exact URL of the route, or set publicBaseUrl.';
  return `The signature matches the URL ${variant} (${changes.join(', ')}), not ${given}. ${advice}`;
}

/**
 * Header sets to try with every digest-shaped value re-encoded: a signature
 * written in hex, base64 or base64url is rewritten in each of the others.
 */
export function encodingVariants(headers: IncomingHttpHeaders): Variant<IncomingHttpHeaders>[] {
  const variants: Variant<IncomingHttpHeaders>[] = [];
  const encodings: SignatureEncoding[] = ['hex', 'base64', 'base64url'];
  for (const from of encodings) {
    for (const to of encodings) {
      if (from === to) continue;
      let changed = false;
      const rewritten: IncomingHttpHeaders = {};
      for (const [name, value] of Object.entries(headers)) {
        const recode = (text: string): string =>
          text.replace(TOKEN, (token) => {
            const digest = decodeDigest(token, from);
            if (!digest) return token;
            changed = true;
            return encodeSignature(digest, to);
          });
        rewritten[name] = Array.isArray(value) ? value.map(recode) : value === undefined ? value : recode(value);
      }
      if (!changed) continue;
      variants.push({
        value: rewritten,
        cause: {
          code: 'signature_encoding',
          message: `The header carries the right HMAC written in ${from}, and the scheme reads ${to}: sender and scheme disagree on the encoding. Check that the scheme is the sender's; for a declarative scheme, set its encoding to '${from}'.`,
        },
      });
    }
  }
  return variants;
}

/** The declarative scheme with each other hash algorithm. */
export function algorithmVariants(scheme: HmacSchemeOptions): Variant<HmacSchemeOptions>[] {
  return (Object.keys(DIGEST_BYTES) as HmacAlgorithm[])
    .filter((algorithm) => algorithm !== scheme.algorithm)
    .map((algorithm) => ({
      value: { ...scheme, algorithm },
      cause: {
        code: 'signature_algorithm',
        message: `The signature is an HMAC-${algorithm.toUpperCase()}, and the scheme computes HMAC-${scheme.algorithm.toUpperCase()}: set the scheme's algorithm to '${algorithm}'.`,
      },
    }));
}

/** A token as a digest in `encoding`, if it is exactly one; base64 and base64url only when their characters tell them apart. */
function decodeDigest(token: string, encoding: SignatureEncoding): Buffer | undefined {
  if (encoding === 'base64' && /[-_]/.test(token)) return undefined;
  if (encoding === 'base64url' && !/[-_]/.test(token)) return undefined;
  for (const bytes of DIGEST_LENGTHS) {
    const digest = decodeSignature(token, encoding, bytes);
    if (digest) return digest;
  }
  return undefined;
}

function escapeNonAscii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's `json.dumps` default layout: `", "` between items and `": "` after keys. */
function pythonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}: ${pythonDumps(item)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}
