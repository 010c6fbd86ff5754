import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../../src/verifiers/built-in-verifiers.js';
import { MAX_FORM_PARAMETERS } from '../../src/verifiers/form-post.verifier.js';
import type { SignInput } from '../../src/verifiers/webhook-verifier.interface.js';
import { ADAPTERS, type Adapter } from '../app/create-app.js';
import { startRecordingApp, type HandlerView, type RecordingApp } from '../app/recording-app.js';
import { FC_NUM_RUNS, configureFastCheck } from '../support/fast-check-seed.js';
import { rawExchange } from '../support/raw-http.js';
import { OWN_PROPERTY_TESTS, SCHEME_DESCRIPTIONS, secretFor, urlFor, type SchemeVariant } from './scheme-descriptions.js';

/**
 * The differential property, over real HTTP: a genuinely signed request goes
 * through mutations of what an attacker controls (Host, path, query, body,
 * content type, header duplicates and lists); when the guard lets the mutant
 * through, what the handler received must be what it receives for the signed
 * original. Parts a scheme does not sign (the route and query of a scheme that
 * signs only the body, the content type) are left to the mutant: the property
 * compares what is signed, as `scheme-descriptions.ts` says.
 */
configureFastCheck('signed view properties');

// User and password, as Basic credentials need; any text for the HMAC schemes.
const SECRET = 'signed-view:test-secret';
const PUBLIC_BASE_URL = 'https://hooks.example.com';
const BODY_SHA256 = '\u0000body-sha256\u0000';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
// Public-key and body-field schemes have properties of their own (OWN_PROPERTY_TESTS).
const SCHEMES = (Object.keys(BUILT_IN_VERIFIERS) as BuiltInScheme[]).filter((scheme) => !Object.hasOwn(OWN_PROPERTY_TESTS, scheme));

/** A scheme that signs the URL gets a second provider, `<scheme>Public`, that signs it with `publicBaseUrl`. */
const signsUrl = (scheme: BuiltInScheme) => (SCHEME_DESCRIPTIONS[scheme] ?? []).some((variant) => variant.signs.includes('url'));
const publicName = (scheme: BuiltInScheme) => `${scheme}Public`;
const secretOf = (scheme: BuiltInScheme) => secretFor(SCHEME_DESCRIPTIONS[scheme]![0]!, SECRET);

const PROVIDERS = Object.fromEntries(
  SCHEMES.flatMap((scheme) => [
    [scheme, { secret: secretOf(scheme) }],
    ...(signsUrl(scheme) ? [[publicName(scheme), { scheme, secret: secretOf(scheme), publicBaseUrl: PUBLIC_BASE_URL }]] : []),
  ]),
);

type Headers = Record<string, string | string[]>;

/** A request as it goes on the wire: Host and the request target are sent as they are. */
interface WireRequest {
  host: string | string[];
  target: string;
  headers: Headers;
  body: Buffer;
}

/** A genuinely signed request, before mutation. */
interface Original {
  readonly adapter: Adapter;
  readonly variant: SchemeVariant;
  readonly provider: string;
  readonly copy: boolean;
  readonly tenant: string;
  readonly query: string;
  readonly body: Buffer;
}

// --- What the sender signs ----------------------------------------------------------------------

const queryCharArb = fc.constantFrom(...'aZ09-_.~ +&=%/?\'"#[]é😀'.split(/(?:)/u));
const pairArb = fc.tuple(
  fc.oneof(fc.constantFrom('a', 'id', 'To', 'CallSid', 'a[b]', 'x y', 'a+b'), fc.string({ unit: queryCharArb, minLength: 1, maxLength: 6 })),
  fc.string({ unit: queryCharArb, maxLength: 10 }),
);
/** A query as senders write it: `encodeURIComponent`, or `URLSearchParams` (`+` for a space). */
const encodeQuery = (pairs: readonly (readonly [string, string])[], style: 'component' | 'form'): string =>
  style === 'form'
    ? new URLSearchParams(pairs as [string, string][]).toString()
    : pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
/**
 * Many pairs: `node:querystring` keeps 1,000 by default, so the signed URL
 * holds 1,000 pairs (with `bodySHA256`, where the variant adds it), one more
 * or one fewer.
 */
const manyPairs = (count: number) =>
  encodeQuery(
    Array.from({ length: count }, (_, i) => [`p${i}`, `v${i}`] as const),
    'component',
  );
/** A query; a long one only where the scheme signs the URL, as a scheme that signs the body alone never reads it. */
const queryArb = (scheme: BuiltInScheme) =>
  fc.oneof(
    { arbitrary: fc.constant<string | { offset: number }>(''), weight: 2 },
    {
      arbitrary: fc
        .tuple(fc.array(pairArb, { minLength: 1, maxLength: 5 }), fc.constantFrom('component', 'form' as const))
        .map(([pairs, style]) => encodeQuery(pairs, style)),
      weight: 2,
    },
    ...(signsUrl(scheme) ? [{ arbitrary: fc.constantFrom(0, 0, 0, -1, 1).map((offset) => ({ offset })), weight: 2 }] : []),
  );

const textArb = fc.string({ unit: fc.constantFrom(...'ab Z9&=%+,:"\\{}é'.split(/(?:)/u), '%41', '%2a'), maxLength: 12 });
const jsonArb = fc
  .dictionary(fc.constantFrom('id', 'type', 'a', 'b&c', 'd=e', '%41', 'x y'), fc.oneof(textArb, fc.integer()), { maxKeys: 4 })
  .map((event) => Buffer.from(JSON.stringify(event)));
// As the vendors send a form: plain names first (AccountSid), other names after it, and no pair twice.
const formArb = fc
  .array(fc.tuple(fc.constantFrom('CallSid', 'From', 'Body', 'a', 'A', 'a[b]', 'b%', 'SipHeader_X-Id'), textArb), { maxLength: 6 })
  .map((pairs): [string, string][] => [['AccountSid', 'AC1'], ...new Map(pairs.map((pair) => [pair.join('\u0000'), pair])).values()])
  .map((pairs) => Buffer.from(new URLSearchParams(pairs).toString()));

const tenantArb = fc.constantFrom('t1', 'acme', 'a-b', 'x.y');

const originalArb = (scheme: BuiltInScheme): fc.Arbitrary<Original> =>
  fc
    .record({
      adapter: fc.constantFrom(...ADAPTERS),
      variant: fc.constantFrom(...SCHEME_DESCRIPTIONS[scheme]!),
      usePublicBaseUrl: fc.boolean(),
      copy: fc.boolean(),
      tenant: tenantArb,
      query: queryArb(scheme),
      form: formArb,
      json: jsonArb,
    })
    .map(({ adapter, variant, usePublicBaseUrl, copy, tenant, query, form, json }) => {
      const original = {
        adapter,
        variant,
        provider: usePublicBaseUrl && signsUrl(scheme) ? publicName(scheme) : scheme,
        copy,
        tenant,
        query: typeof query === 'string' ? query : manyPairs(1000 - (variant.bodyHashInUrl ? 1 : 0) + query.offset),
        body: variant.body === 'form' ? form : json,
      };
      const pairs = original.query.split('&').length;
      const shownQuery = pairs > 20 ? `${original.query.slice(0, 24)}… (${pairs} pairs)` : original.query;
      const shown = { ...original, variant: variant.name, query: shownQuery, body: original.body.toString('utf8') };
      return Object.assign(original, { [fc.toStringMethod]: () => fc.stringify(shown) });
    });

// --- What an attacker changes -------------------------------------------------------------------

type Mutation = ((request: WireRequest, context: { readonly port: number; readonly scheme: BuiltInScheme }) => void) & { [fc.toStringMethod]: () => string };

/** A mutation that prints as `label` in a counterexample. */
const named = (label: string, mutate: (request: WireRequest, context: { readonly port: number; readonly scheme: BuiltInScheme }) => void): Mutation =>
  Object.assign(mutate, { [fc.toStringMethod]: () => label });

const pathOf = (target: string) => target.split('?')[0]!;
const queryOf = (target: string) => (target.includes('?') ? target.slice(target.indexOf('?') + 1) : undefined);
const withQuery = (target: string, query: string | undefined) => (query === undefined ? pathOf(target) : `${pathOf(target)}?${query}`);
const appendPairs = (target: string, pairs: string) => withQuery(target, queryOf(target) ? `${queryOf(target)}&${pairs}` : pairs);
const otherRoute = (path: string) => path.replace(/^(\/hooks\/[^/]+\/)(copy\/)?/, (_, route: string, copy?: string) => (copy ? route : `${route}copy/`));
/** Replaces the `index`-th match of `pattern` in `text` (modulo the number of matches), or leaves it. */
function replaceNth(text: string, pattern: RegExp, index: number, by: (match: string) => string): string {
  const matches = [...text.matchAll(new RegExp(pattern.source, 'g'))];
  const match = matches[index % Math.max(1, matches.length)];
  return match?.index === undefined ? text : text.slice(0, match.index) + by(match[0]) + text.slice(match.index + match[0].length);
}
/** Spellings that decode alike, or a moved boundary, as `[label, pattern, replacement]`. */
type Respelling = readonly [string, RegExp, (match: string) => string];
const QUERY_RESPELLINGS: readonly Respelling[] = [
  ["'+' as '%20'", /\+/, () => '%20'],
  ["'%20' as '+'", /%20/, () => '+'],
  ['a letter percent-encoded', /[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`],
  ['hex digits in lower case', /%[0-9A-F]{2}/, (m) => m.toLowerCase()],
  ["'&' doubled", /&/, () => '&&'],
  ["'=' as '%3D'", /=/, () => '%3D'],
];
const BODY_RESPELLINGS: readonly Respelling[] = [
  ["'+' as '%20'", /\+/, () => '%20'],
  ['a letter percent-encoded', /[A-Za-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`],
  ["an '=' removed", /=/, () => ''],
  ["an '=' moved left", /[A-Za-z]=/, (m) => `=${m[0]}`],
  ["'&' doubled", /&/, () => '&&'],
];

const hostMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // Host ends in, or holds, what `new URL()` reads as the start of a path, query or fragment, or strips (TAB).
  fc.tuple(fc.constantFrom('', '/', '?', '&', '#', '\t', '/x', '?a=1&', '.', ':80', ':443', '@evil.example', ' ', '\\'), fc.boolean()).map(([suffix, noPort]) =>
    named(`Host: 127.0.0.1${noPort ? '' : ':<port>'}${JSON.stringify(suffix).slice(1, -1)}`, (request, { port }) => {
      request.host = `127.0.0.1${noPort ? '' : `:${port}`}${suffix}`;
    }),
  ),
  fc
    .constantFrom('localhost', 'evil.example', 'hooks.example.com', 'HOOKS.EXAMPLE.COM')
    .map((host) => named(`Host: ${host}`, (request) => void (request.host = host))),
  fc.constant(named('Host twice, then evil.example', (request) => void (request.host = [String(request.host), 'evil.example']))),
);

const pathMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant(named("the provider's other route", (request) => void (request.target = otherRoute(request.target)))),
  fc
    .constantFrom('other', 't2', 'T1', '%74%31', 't1%2F..')
    .map((tenant) =>
      named(`tenant ${tenant}`, (request) => void (request.target = withQuery(pathOf(request.target).replace(/[^/]+$/, tenant), queryOf(request.target)))),
    ),
  // The scheme's other provider (with or without publicBaseUrl), or another scheme's.
  fc.constantFrom('sibling', 'stranger').map((which) =>
    named(`the route of a ${which} provider`, (request, { scheme }) => {
      const other =
        which === 'stranger'
          ? scheme === 'github'
            ? 'shopify'
            : 'github'
          : request.target.startsWith(`/hooks/${scheme}/`) && signsUrl(scheme)
            ? publicName(scheme)
            : scheme;
      request.target = request.target.replace(/^\/hooks\/[^/]+\//, `/hooks/${other}/`);
    }),
  ),
  fc
    .constantFrom('//', '/./', '/x/../')
    .map((part) => named(`path /hooks${part}…`, (request) => void (request.target = request.target.replace(/^\/hooks\//, `/hooks${part}`)))),
);

const queryMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .tuple(pairArb, fc.constantFrom('component', 'form' as const))
    .map(([pair, style]) =>
      named(`query + ${encodeQuery([pair], style)}`, (request) => void (request.target = appendPairs(request.target, encodeQuery([pair], style)))),
    ),
  // A signed key again with another value, or `bodySHA256` for the body finally sent, after `pad` more pairs.
  fc.tuple(fc.constantFrom(0, 0, 5, 1000, 1001), fc.boolean(), fc.constantFrom('dup', 'bodySHA256', 'bodySHA256-first')).map(([pad, empty, what]) =>
    named(`query: ${what} after ${pad} ${empty ? 'empty' : 'padding'} pairs`, (request) => {
      const first = queryOf(request.target)?.split('&')[0]?.split('=')[0] || 'a';
      const tail = what === 'dup' ? `${first}=forged` : `bodySHA256=${BODY_SHA256}`;
      const padding = Array.from({ length: pad }, (_, i) => (empty ? '' : `pad${i}=1`));
      if (what === 'bodySHA256-first')
        request.target = withQuery(request.target, [tail, ...padding, ...(queryOf(request.target) ? [queryOf(request.target)] : [])].join('&'));
      else request.target = appendPairs(request.target, [...padding, tail].join('&'));
    }),
  ),
  fc.tuple(fc.constantFrom(...QUERY_RESPELLINGS), fc.nat()).map(([[label, pattern, by], index]) =>
    named(`query: ${label} (match ${index})`, (request) => {
      const query = queryOf(request.target);
      if (query !== undefined) request.target = withQuery(request.target, replaceNth(query, pattern, index, by));
    }),
  ),
  fc.constant(
    named('query pairs reversed', (request) => void (request.target = withQuery(request.target, queryOf(request.target)?.split('&').reverse().join('&')))),
  ),
  fc.constant(
    named(
      'query cut to 1,000 pairs',
      (request) => void (request.target = withQuery(request.target, queryOf(request.target)?.split('&').slice(0, 1000).join('&'))),
    ),
  ),
  fc.constant(named('query removed', (request) => void (request.target = pathOf(request.target)))),
);

const bodyMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .oneof(jsonArb, formArb, fc.constant(Buffer.from('&')), fc.constant(Buffer.alloc(0)))
    .map((body) => named(`body: ${JSON.stringify(body.toString('utf8'))}`, (request) => void (request.body = body))),
  fc.nat().map((bit) =>
    named(`body: bit ${bit} % length flipped`, (request) => {
      if (request.body.length === 0) return;
      request.body = Buffer.from(request.body);
      request.body[(bit >> 3) % request.body.length]! ^= 1 << (bit & 7);
    }),
  ),
  fc
    .tuple(fc.constantFrom(...BODY_RESPELLINGS), fc.nat())
    .map(([[label, pattern, by], index]) =>
      named(
        `body: ${label} (match ${index})`,
        (request) => void (request.body = Buffer.from(replaceNth(request.body.toString('latin1'), pattern, index, by), 'latin1')),
      ),
    ),
  fc
    .constantFrom('&From=forged', '&a=1', '&')
    .map((tail) => named(`body + ${tail}`, (request) => void (request.body = Buffer.concat([request.body, Buffer.from(tail)])))),
);

const contentTypeMutationArb: fc.Arbitrary<Mutation> = fc
  .constantFrom<string | string[] | undefined>(
    JSON_TYPE,
    FORM,
    'text/plain',
    'application/octet-stream',
    `${FORM}; charset=utf-8`,
    'APPLICATION/X-WWW-FORM-URLENCODED',
    `${JSON_TYPE}, ${FORM}`,
    [JSON_TYPE, FORM],
    undefined,
  )
  .map((type) =>
    named(`Content-Type: ${JSON.stringify(type)}`, (request) => {
      if (type === undefined) delete request.headers['content-type'];
      else request.headers['content-type'] = type;
    }),
  );

// The same signature bytes in the other encoding, with or without the SHA-256 header beside it.
const reencodeArb: fc.Arbitrary<Mutation> = fc.tuple(fc.nat(), fc.boolean()).map(([index, dropSha256]) =>
  named(`signature header ${index} % count re-encoded (hex <-> base64)${dropSha256 ? ', X-SignalWire-SHA256-Signature removed' : ''}`, (request) => {
    const names = Object.keys(request.headers).filter((name) => /signature|hmac/.test(name));
    const name = names[index % Math.max(1, names.length)];
    const value = name === undefined ? undefined : request.headers[name];
    if (typeof value === 'string') {
      request.headers[name!] = /^[0-9a-f]+$/.test(value) ? Buffer.from(value, 'hex').toString('base64') : Buffer.from(value, 'base64').toString('hex');
    }
    if (dropSha256) delete request.headers['x-signalwire-sha256-signature'];
  }),
);

const headerMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: reencodeArb, weight: 2 },
  // A signed header twice, or its value listed twice after a separator.
  fc.tuple(fc.nat(), fc.constantFrom('twice', ', ', ',', ' ', '; ')).map(([index, how]) =>
    named(`signed header ${index} % count: ${how === 'twice' ? 'sent twice' : `value${how}value`}`, (request) => {
      const names = Object.keys(request.headers).filter((name) => name !== 'content-type');
      const name = names[index % Math.max(1, names.length)];
      const value = name === undefined ? undefined : request.headers[name];
      if (typeof value !== 'string') return;
      request.headers[name!] = how === 'twice' ? [value, value] : `${value}${how}${value}`;
    }),
  ),
  fc.constant(named('X-SignalWire-SHA256-Signature removed', (request) => void delete request.headers['x-signalwire-sha256-signature'])),
);

/**
 * A pair that one reader of the URL sees and another does not: a TAB inside
 * its name (which `new URL()` strips and `URLSearchParams` keeps), a pair
 * past the 1,000 that `node:querystring` keeps, the whole query carried in
 * Host so that the route can change. `bodySHA256` is the name that matters
 * most, as it decides how the body is checked.
 */
const smuggleArb: fc.Arbitrary<Mutation> = fc
  .record({
    hide: fc.constantFrom('bodySHA256', 'bodySHA256', 'first', 'none'),
    append: fc.constantFrom('bodySHA256', 'bodySHA256', 'dup-first', 'none'),
    pad: fc.constantFrom('none', '1,000 empty pairs'),
    inHost: fc.constantFrom('&x=', '&', '#', '\t', 'no', 'no'),
    route: fc.constantFrom('same', 'same', 'copy', 'tenant'),
  })
  .map(({ hide, append, pad, inHost, route }) =>
    named(
      `smuggle: TAB in ${hide}, pad ${pad}, append ${append}, query ${inHost === 'no' ? 'in the target' : `in Host, then ${JSON.stringify(inHost)}`}, route ${route}`,
      (request, { port }) => {
        let query = queryOf(request.target) ?? '';
        const first = query.split('&')[0]?.split('=')[0] || 'a';
        if (hide !== 'none') {
          const name = hide === 'first' ? first : 'bodySHA256';
          query = query
            .split('&')
            .map((pair) => (pair.split('=')[0] === name && name.length > 1 ? `${name.slice(0, 1)}\t${pair.slice(1)}` : pair))
            .join('&');
        }
        // Empty pairs count towards `node:querystring`'s 1,000 and are not written back.
        if (pad !== 'none') query += '&'.repeat(1000);
        if (append !== 'none') query = [query, append === 'bodySHA256' ? `bodySHA256=${BODY_SHA256}` : `${first}=forged`].filter(Boolean).join('&');
        let path = pathOf(request.target);
        if (route === 'copy') path = otherRoute(path);
        else if (route === 'tenant') path = path.replace(/[^/]+$/, 'other');
        if (inHost === 'no') request.target = withQuery(path, query || undefined);
        else {
          request.host = `127.0.0.1:${port}${pathOf(request.target)}?${query}${inHost}`;
          request.target = path;
        }
      },
    ),
  );

/** `arbitrary` in about one case out of `every`, else nothing. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, every: number) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: every - 1 }, { arbitrary, weight: 1 });
const defined = <T>(items: readonly (T | undefined)[]): T[] => items.filter((item): item is T => item !== undefined);

/**
 * The same signature bytes in another encoding, which another of the
 * scheme's ways of signing reads, with the body re-spelled so that the other
 * way reads it alike (a percent-encoded letter, `%20` for `+`).
 */
const crossSchemeArb: fc.Arbitrary<Mutation> = fc
  .record({ dropSha256: fc.boolean(), respelling: fc.constantFrom(...BODY_RESPELLINGS.slice(0, 2)), index: fc.nat(), form: fc.boolean() })
  .map(({ dropSha256, respelling: [label, pattern, by], index, form }) =>
    named(
      `every signature re-encoded (hex <-> base64)${dropSha256 ? ', X-SignalWire-SHA256-Signature removed' : ''}, body: ${label} (match ${index})${form ? ', sent as a form' : ''}`,
      (request) => {
        for (const name of Object.keys(request.headers).filter((header) => /signature|hmac/.test(header))) {
          const value = request.headers[name];
          if (typeof value !== 'string') continue;
          request.headers[name] = /^[0-9a-f]+$/.test(value) ? Buffer.from(value, 'hex').toString('base64') : Buffer.from(value, 'base64').toString('hex');
        }
        if (dropSha256) delete request.headers['x-signalwire-sha256-signature'];
        request.body = Buffer.from(replaceNth(request.body.toString('latin1'), pattern, index, by), 'latin1');
        if (form) request.headers['content-type'] = FORM;
      },
    ),
  );

/** Mutations of every part, each part now and then; or one of the two attacks that need several parts changed together. */
const mutationsArb: fc.Arbitrary<Mutation[]> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .record({
        host: sometimes(hostMutationArb, 4),
        path: sometimes(pathMutationArb, 4),
        query: fc.array(queryMutationArb, { maxLength: 2 }),
        body: sometimes(bodyMutationArb, 2),
        contentType: sometimes(contentTypeMutationArb, 4),
        headers: sometimes(headerMutationArb, 2),
      })
      .map(({ query, ...one }) => defined([one.host, one.path, ...query, one.body, one.contentType, one.headers])),
  },
  { weight: 1, arbitrary: fc.tuple(sometimes(bodyMutationArb, 2), smuggleArb).map(defined) },
  { weight: 1, arbitrary: crossSchemeArb.map((mutation) => [mutation]) },
);

// --- The property -------------------------------------------------------------------------------

/** The request a sender makes for `original`, signed now. */
function signedRequest(scheme: BuiltInScheme, original: Original, port: number): WireRequest {
  const { variant, provider, copy, tenant, query, body } = original;
  const path = `/hooks/${provider}/${copy ? 'copy/' : ''}${tenant}`;
  const origin = provider === scheme ? `http://127.0.0.1:${port}` : PUBLIC_BASE_URL;
  const url = urlFor(variant, origin + path + (query ? `?${query}` : ''), body);
  const verifier = new BUILT_IN_VERIFIERS[scheme]() as { sign(input: SignInput): Record<string, string> };
  const headers: Headers = verifier.sign({ secret: secretOf(scheme), body, url, timestamp: new Date(), format: variant.format });
  for (const name of variant.omit ?? []) delete headers[name];
  headers['content-type'] = variant.body === 'form' ? FORM : JSON_TYPE;
  return { host: `127.0.0.1:${port}`, target: url.slice(origin.length), headers, body };
}

const clone = (request: WireRequest): WireRequest => ({ ...request, headers: { ...request.headers } });

/** Writes `request` on its own connection, byte for byte (a Host given twice goes out as two lines), and reads the status. */
async function deliver(app: RecordingApp, request: WireRequest): Promise<{ status: number; view?: HandlerView }> {
  app.views.views.length = 0;
  const lines = [`POST ${request.target} HTTP/1.1`];
  for (const host of [request.host].flat()) lines.push(`Host: ${host}`);
  for (const [name, value] of Object.entries(request.headers)) for (const line of [value].flat()) lines.push(`${name}: ${line}`);
  lines.push(`Content-Length: ${request.body.length}`, 'Connection: close', '', '');
  const response = await rawExchange(app.port, Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), request.body]));
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
  expect(app.views.views.length).toBeLessThanOrEqual(1);
  return { status, view: app.views.views[0] };
}

/**
 * The form scheme signs each parameter's name and value concatenated, in
 * sorted order (repeated names also sorted and de-duplicated): bodies with
 * the same such text share a signature by the vendor's design.
 */
function formSignedTexts(body: Buffer): string[] {
  const params = [...new URLSearchParams(body.toString('utf8'))];
  const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const wire = [...params].sort(byName);
  const sorted = [...new Map(params.map((param) => [param.join('\u0000'), param])).values()].sort(
    (a, b) => byName(a, b) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0),
  );
  return [wire, sorted].map((list) => list.map(([name, value]) => name + value).join(''));
}
const sameFormContent = (a: Buffer, b: Buffer) => formSignedTexts(a).some((text) => formSignedTexts(b).includes(text));

const apps = new Map<Adapter, RecordingApp>();
beforeAll(async () => {
  for (const adapter of ADAPTERS) apps.set(adapter, await startRecordingApp(adapter, PROVIDERS));
});
afterAll(async () => {
  for (const app of apps.values()) await app.app.close();
});

describe.each(SCHEMES)('%s', (scheme) => {
  it('gives the handler only what was signed: a mutant the guard lets through reaches it as the signed original does', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(originalArb(scheme), mutationsArb, async (original, mutations) => {
        const app = apps.get(original.adapter)!;
        const signed = signedRequest(scheme, original, app.port);
        const mutant = clone(signed);
        for (const mutate of mutations) mutate(mutant, { port: app.port, scheme });
        const bodyHash = createHash('sha256').update(mutant.body).digest('hex');
        mutant.target = mutant.target.replaceAll(BODY_SHA256, bodyHash);
        mutant.host = typeof mutant.host === 'string' ? mutant.host.replaceAll(BODY_SHA256, bodyHash) : mutant.host;

        const sent = await deliver(app, mutant);
        // The signed request itself is let through, unless its URL holds more than the form-post schemes' parameter limit.
        if (mutations.length === 0 && !(original.variant.urlNormalized && (queryOf(signed.target)?.split('&').length ?? 0) > MAX_FORM_PARAMETERS)) {
          expect(sent.status).toBe(200);
        }
        if (sent.status < 200 || sent.status > 299) return;
        accepted++;
        // The signed request as sent, with the mutant's content type: the type is not signed, and picks the handler's parser.
        const reference = clone(signed);
        if (mutant.headers['content-type'] === undefined) delete reference.headers['content-type'];
        else reference.headers['content-type'] = mutant.headers['content-type'];
        const received = await deliver(app, reference);
        expect(received.status).toBe(sent.status);
        const { variant } = original;
        const view = { ...sent.view! };
        const expected = { ...received.view! };
        if (!variant.signs.includes('url')) {
          // The route, its params and the query are not signed by a scheme that signs the body alone.
          for (const part of ['route', 'params', 'query'] as const) {
            delete (view as Partial<HandlerView>)[part];
            delete (expected as Partial<HandlerView>)[part];
          }
        }
        // A static token (GitLab, Telegram, Postmark's Basic credentials) signs nothing: it proves the sender knows the
        // secret, not what it sent (SECURITY.md). Only the credential itself is checked for these.
        if (!variant.signs.includes('body')) {
          for (const part of ['body', 'rawBody'] as const) {
            delete (view as Partial<HandlerView>)[part];
            delete (expected as Partial<HandlerView>)[part];
          }
        }
        // A form post's body is bound only as the vendor's form scheme binds it (SECURITY.md). A JSON body never verifies as a form.
        if (variant.body === 'form' && sameFormContent(mutant.body, signed.body)) {
          for (const part of ['body', 'rawBody'] as const) {
            delete (view as Partial<HandlerView>)[part];
            delete (expected as Partial<HandlerView>)[part];
          }
        }
        expect(view).toEqual(expected);
      }),
    );
    // Not vacuous: signed requests, and mutants of them that change nothing signed, reach the handler.
    expect(accepted).toBeGreaterThan(FC_NUM_RUNS / 20);
  }, 600_000);
});

it('covers every built-in scheme', () => {
  expect(SCHEMES.filter((scheme) => !SCHEME_DESCRIPTIONS[scheme])).toEqual([]);
});
