import { readFile } from 'node:fs/promises';
import { diagnoseWebhook } from '../diagnose/webhook-diagnosis.js';
import type { WebhookDiagnosis } from '../diagnose/webhook-diagnosis.interface.js';
import { signWebhook } from '../testing/index.js';
import { BUILT_IN_VERIFIERS, isBuiltInScheme, unknownSchemeMessage, type BuiltInScheme } from '../verifiers/built-in-verifiers.js';
import { describedVerifier, type SchemeDescription } from '../verifiers/described-verifier.js';
import { CliUsageError, parseArguments, singleValue, type CliArguments } from './cli-arguments.js';
import { curlCommand, type CurlCredential } from './curl-command.js';

/** What the command line reads and writes, so that tests can run it in process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input. */
  readonly readStdin: () => Promise<Buffer>;
}

const PROGRAM = 'nestjs-webhook-security';
const SECRET_OPTIONS = ['secret', 'secret-env'];
const BODY_OPTIONS = ['body', 'body-file'];
const COMMANDS = {
  diagnose: {
    values: [...SECRET_OPTIONS, ...BODY_OPTIONS, 'header', 'url', 'tolerance', 'received-at'],
    switches: ['json', 'help'],
  },
  sign: {
    values: [...SECRET_OPTIONS, ...BODY_OPTIONS, 'url', 'timestamp', 'id', 'format', 'content-type'],
    switches: ['help'],
  },
} as const;

const USAGE = `Usage:
  ${PROGRAM} diagnose <scheme> [options]   tell why a webhook is rejected
  ${PROGRAM} sign <scheme> [options]       print a curl that sends a signed webhook

Schemes: ${Object.keys(BUILT_IN_VERIFIERS).join(', ')},
  or a declarative HMAC scheme as JSON: '{"header":"x-acme-signature","algorithm":"sha256","encoding":"hex"}'

The secret (one of):
  --secret-env NAME        read it from the environment variable NAME (keeps it out of shell history)
  --secret VALUE           give it inline
The body (one of; standard input by default):
  --body-file PATH         the exact bytes of a file ('-' for standard input)
  --body TEXT              inline text
diagnose:
  -H, --header 'name: value'   a request header, as received; repeat for each
  --url URL                the URL the request came to, as the app sees it (schemes that sign it)
  --tolerance SECONDS      the app's timestamp tolerance (default 300)
  --received-at TIME       when the request arrived, ISO-8601 or Unix seconds (default now)
  --json                   print the diagnosis as JSON
sign:
  --url URL                where the curl posts (default http://127.0.0.1:3000/webhooks/<scheme>)
  --timestamp TIME         the signing time, ISO-8601 or Unix seconds (default now)
  --id ID                  the delivery id, for schemes that sign one (default a random msg_… id)
  --format json|form       the body format, for signalwire (default json)
  --content-type TYPE      the content-type of the request (default by --format)

Exit status: 0 verified or signed, 1 not verified, 2 usage error.
The secret is never printed.`;

/**
 * Runs the command line: `diagnose` tells why a webhook is rejected, `sign`
 * prints a curl that sends a signed one. Returns the exit status.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  try {
    if (command !== 'diagnose' && command !== 'sign') throw new CliUsageError(`Unknown command '${command}'.`);
    const args = parseArguments(rest, COMMANDS[command]);
    if (args.switches.has('help')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    return command === 'diagnose' ? await diagnose(args, io) : await sign(args, io);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.stderr(`${PROGRAM}: ${error.message}\nRun '${PROGRAM} --help' for the options.\n`);
    return 2;
  }
}

async function diagnose(args: CliArguments, io: CliIo): Promise<number> {
  const scheme = schemeOf(args);
  const tolerance = singleValue(args, 'tolerance');
  if (tolerance !== undefined && !(Number(tolerance) > 0)) throw new CliUsageError('--tolerance must be a positive number of seconds.');
  const receivedAt = singleValue(args, 'received-at');

  const diagnosis = await diagnoseWebhook({
    scheme,
    secret: secretOf(args, io),
    headers: headersOf(args.values.get('header') ?? []),
    body: (await bodyOf(args, io)).bytes,
    url: singleValue(args, 'url'),
    toleranceSeconds: tolerance === undefined ? undefined : Number(tolerance),
    receivedAt: receivedAt === undefined ? undefined : timeOf(receivedAt, '--received-at'),
  });
  io.stdout(args.switches.has('json') ? `${JSON.stringify(diagnosis, null, 2)}\n` : report(schemeName(scheme), diagnosis));
  return diagnosis.verified ? 0 : 1;
}

/** The diagnosis for people: the verdict, then each cause with its code. */
function report(scheme: string, diagnosis: WebhookDiagnosis): string {
  if (diagnosis.verified) return `Verified by ${scheme}: the signature matches the secret, headers, body and URL given.\n`;
  const lines = [`Not verified by ${scheme}: ${diagnosis.reason}`];
  diagnosis.causes.forEach((cause, index) => {
    lines.push('', `${index === 0 ? 'Likeliest cause' : 'Also'}: ${cause.code}`, `  ${cause.message}`);
  });
  return `${lines.join('\n')}\n`;
}

async function sign(args: CliArguments, io: CliIo): Promise<number> {
  const scheme = schemeOf(args);
  const format = singleValue(args, 'format') ?? 'json';
  if (format !== 'json' && format !== 'form') throw new CliUsageError("--format is 'json' or 'form'.");
  const timestamp = singleValue(args, 'timestamp');
  const url = singleValue(args, 'url') ?? `http://127.0.0.1:3000/webhooks/${typeof scheme === 'string' ? scheme : 'custom'}`;
  const body = await bodyOf(args, io);

  let headers: Record<string, string>;
  const secret = secretOf(args, io);
  try {
    const input = {
      secret,
      body: body.bytes,
      url,
      id: singleValue(args, 'id'),
      format,
      timestamp: timestamp === undefined ? undefined : new Date(timeOf(timestamp, '--timestamp')),
    } as const;
    headers = typeof scheme === 'string' ? signWebhook(scheme, input) : describedVerifier(scheme).sign!(input);
  } catch (error) {
    if (error instanceof TypeError) throw new CliUsageError(error.message);
    throw error;
  }
  const contentType = singleValue(args, 'content-type') ?? (format === 'form' ? 'application/x-www-form-urlencoded' : 'application/json');
  const credential = sentCredential(headers, secret, singleValue(args, 'secret-env'));
  if (credential) delete headers[credential.header];
  io.stdout(`${curlCommand({ url, contentType, headers, credential, body: body.file === undefined ? inlineText(body.bytes) : { file: body.file } })}\n`);
  return 0;
}

/**
 * The header of a scheme that sends the secret itself (a token, or Basic
 * credentials), to be read by the shell from the environment variable the
 * secret came from, so that the curl never holds the secret.
 */
function sentCredential(headers: Record<string, string>, secret: string, variable: string | undefined): CurlCredential | undefined {
  const basic = `Basic ${Buffer.from(secret).toString('base64')}`;
  const header = Object.keys(headers).find((name) => headers[name] === secret || headers[name] === basic);
  if (header === undefined) return undefined;
  if (variable === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new CliUsageError(
      'This scheme sends the secret itself: give it with --secret-env NAME (letters, digits and _), so that the curl reads it from the environment.',
    );
  }
  return { header, variable, basic: headers[header] === basic };
}

function schemeOf(args: CliArguments): BuiltInScheme | SchemeDescription {
  const [scheme, ...extra] = args.positionals;
  if (scheme === undefined) throw new CliUsageError('Name the scheme, e.g. fullup.');
  if (extra.length > 0) throw new CliUsageError(`Unexpected argument '${extra[0]}'.`);
  if (scheme.trimStart().startsWith('{')) return declarativeScheme(scheme);
  if (!isBuiltInScheme(scheme)) {
    throw new CliUsageError(unknownSchemeMessage(scheme));
  }
  return scheme;
}

/** A scheme described as JSON, checked as the module checks one (by constructing its verifier). */
function declarativeScheme(json: string): SchemeDescription {
  let scheme: SchemeDescription;
  try {
    scheme = JSON.parse(json) as SchemeDescription;
  } catch {
    throw new CliUsageError('The scheme is not valid JSON.');
  }
  try {
    describedVerifier(scheme);
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  return scheme;
}

function schemeName(scheme: BuiltInScheme | SchemeDescription): string {
  return typeof scheme === 'string' ? scheme : `the ${[scheme.header ?? 'authorization'].flat()[0]} scheme`;
}

/** The secret from --secret-env or --secret. Messages name the variable, never its value. */
function secretOf(args: CliArguments, io: CliIo): string {
  const variable = singleValue(args, 'secret-env');
  const inline = singleValue(args, 'secret');
  if ((variable === undefined) === (inline === undefined)) throw new CliUsageError('Give the secret with one of --secret-env NAME or --secret VALUE.');
  if (inline !== undefined) {
    if (inline === '') throw new CliUsageError('--secret is empty.');
    io.stderr(`Note: --secret stays in your shell history; --secret-env NAME reads it from the environment instead.\n`);
    return inline;
  }
  const secret = io.env[variable!];
  if (secret === undefined || secret === '') throw new CliUsageError(`The environment variable ${variable} is not set or empty.`);
  return secret;
}

/** The body from --body, --body-file (a path, or '-' for standard input), or standard input. */
async function bodyOf(args: CliArguments, io: CliIo): Promise<{ bytes: Buffer; file?: string }> {
  const inline = singleValue(args, 'body');
  const file = singleValue(args, 'body-file');
  if (inline !== undefined && file !== undefined) throw new CliUsageError('Give the body with one of --body or --body-file.');
  if (inline !== undefined) return { bytes: Buffer.from(inline) };
  if (file === undefined || file === '-') return { bytes: await io.readStdin() };
  try {
    return { bytes: await readFile(file), file };
  } catch {
    throw new CliUsageError(`Cannot read the body file ${file}.`);
  }
}

/** `-H 'name: value'` lines as headers; a repeated name keeps every value, as Node does. */
function headersOf(lines: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon === -1 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      // The value is not echoed: a mistyped line may hold the signature.
      throw new CliUsageError(`A header is 'name: value', with a colon; got a line without one or with an invalid name.`);
    }
    const value = line.slice(colon + 1).trim();
    const previous = headers[name];
    headers[name] = previous === undefined ? value : [previous, value].flat();
  }
  return headers;
}

/** Unix seconds or an ISO-8601 time, in epoch milliseconds. */
function timeOf(value: string, option: string): number {
  const millis = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(millis)) throw new CliUsageError(`${option} is Unix seconds or an ISO-8601 time, e.g. 2024-05-08T21:27:45Z.`);
  return millis;
}

/** A body read from standard input, as text a shell can quote; other bytes need a file. */
function inlineText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text).equals(bytes) || text.includes('\0')) {
    throw new CliUsageError('The body is not UTF-8 text: give it with --body-file so that curl sends its exact bytes.');
  }
  return text;
}
