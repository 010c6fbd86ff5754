import { OWN_PROPERTY_TESTS } from '../../test/property/scheme-descriptions.js';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { signWebhook } from '../testing/index.js';
import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../verifiers/built-in-verifiers.js';
import type { WebhookVerifier } from '../verifiers/webhook-verifier.interface.js';
import { runCli } from './run-cli.js';

// Signatures are made with node:crypto from each vendor's documented algorithm.
const hmacHex = (key: string, content: string) => createHmac('sha256', key).update(content).digest('hex');

const SECRET = 'Sup3r-s3cret-value';
const WHSEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const EVENT = { id: 'evt_1', type: 'user.created', note: 'café' };
const PRETTY = JSON.stringify(EVENT, null, 2);
const COMPACT = JSON.stringify(EVENT);

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const runs: Run[] = [];

async function run(argv: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { WEBHOOK_SECRET: SECRET, WHSEC_SECRET, ...options.env },
    readStdin: async () => Buffer.from(options.stdin ?? ''),
  });
  const result = { status, stdout, stderr };
  runs.push(result);
  return result;
}

describe('nestjs-webhook-security CLI', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('diagnose', () => {
    it('says verified, exit 0, for a request that verifies, body from stdin', async () => {
      const result = await run(['diagnose', 'fullup', '--secret-env', 'WEBHOOK_SECRET', '-H', `fullup-signature: ${hmacHex(SECRET, PRETTY)}`], {
        stdin: PRETTY,
      });
      expect(result).toMatchObject({ status: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Verified by fullup: the signature matches/);
    });

    it('finds a body the app hashed as parsed JSON', async () => {
      const result = await run([
        'diagnose',
        'fullup',
        '--secret-env=WEBHOOK_SECRET',
        '-H',
        `Fullup-Signature: ${hmacHex(SECRET, PRETTY)}`,
        '--body-file',
        file('compact.json', COMPACT),
      ]);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('Not verified by fullup: no_matching_signature\n\nLikeliest cause: reserialized_json\n');
      expect(result.stdout).toContain('Your app hashes parsed JSON');
    });

    it('finds the https URL the sender signed behind a proxy that gives http', async () => {
      const signed = 'https://api.example.com/hooks/sw?tenant=7';
      const result = await run([
        'diagnose',
        'signalwire',
        '--secret-env',
        'WEBHOOK_SECRET',
        '-H',
        `X-SignalWire-SHA256-Signature: ${hmacHex(SECRET, signed + COMPACT)}`,
        '--url',
        'http://api.example.com/hooks/sw?tenant=7',
        '--body',
        COMPACT,
      ]);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('Likeliest cause: url_variant\n');
      expect(result.stdout).toContain(`${signed} (https instead of http)`);
    });

    it('says how many minutes a timestamp is stale, at the time given with --received-at', async () => {
      const timestamp = '2024-05-08T21:28:00.000000+00:00';
      const argv = [
        'diagnose',
        'noyo',
        '--secret-env',
        'WEBHOOK_SECRET',
        '--body',
        COMPACT,
        '-H',
        `x-noyo-timestamp: ${timestamp}`,
        '-H',
        `x-noyo-signature: ${hmacHex(SECRET, `${timestamp}.${COMPACT}`)}`,
      ];
      const result = await run([...argv, '--received-at', '2024-05-08T21:40:00Z']);
      expect(result.stdout).toContain('Not verified by noyo: timestamp_out_of_tolerance\n\nLikeliest cause: timestamp_stale\n');
      expect(result.stdout).toContain('12 minutes before the request arrived, 7 minutes outside the tolerance of 5 minutes');
      const wider = await run([...argv, '--received-at', String(Date.parse('2024-05-08T21:40:00Z') / 1000), '--tolerance', '900']);
      expect(wider).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Verified/) });
    });

    it('finds a hex signature where the scheme reads base64', async () => {
      const result = await run([
        'diagnose',
        'trophy',
        '--secret-env',
        'WEBHOOK_SECRET',
        '--body',
        COMPACT,
        '-H',
        `x-trophy-signature: ${hmacHex(SECRET, COMPACT)}`,
      ]);
      expect(result.stdout).toContain('Not verified by trophy: malformed_header\n\nLikeliest cause: signature_encoding\n');
      expect(result.stdout).toContain('written in hex, and the scheme reads base64');
    });

    it('finds a secret configured without its whsec_ prefix', async () => {
      const result = await run([
        'diagnose',
        'fullup',
        '--secret-env',
        'WEBHOOK_SECRET',
        '--body',
        COMPACT,
        '-H',
        `fullup-signature: ${hmacHex(`whsec_${SECRET}`, COMPACT)}`,
      ]);
      expect(result.stdout).toContain('Likeliest cause: secret_prefix\n');
    });

    it('finds the trailing newline of a secret read from a .env file', async () => {
      const result = await run(['diagnose', 'fullup', '--secret-env', 'FROM_FILE', '--body', COMPACT, '-H', `fullup-signature: ${hmacHex(SECRET, COMPACT)}`], {
        env: { FROM_FILE: `${SECRET}\n` },
      });
      expect(result.stdout).toContain('Likeliest cause: secret_whitespace\n');
    });

    it('points to another secret, and prints JSON with --json', async () => {
      const result = await run([
        'diagnose',
        'fullup',
        '--secret-env',
        'WEBHOOK_SECRET',
        '--body',
        COMPACT,
        '--json',
        '-H',
        `fullup-signature: ${hmacHex('another-secret', COMPACT)}`,
      ]);
      expect(result.status).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ verified: false, reason: 'no_matching_signature', causes: [{ code: 'no_variant_matched' }] });
    });

    it('finds a Stripe secret configured without its whsec_ prefix (signed by stripe-node)', async () => {
      const header = Stripe.webhooks.generateTestHeaderString({ payload: PRETTY, secret: WHSEC_SECRET, timestamp: 1_700_000_000 });
      const result = await run(
        ['diagnose', 'stripe', '--secret-env', 'BARE', '--body', PRETTY, '-H', `Stripe-Signature: ${header}`, '--received-at', '1700000010'],
        { env: { BARE: WHSEC_SECRET.slice('whsec_'.length) } },
      );
      expect(result.stdout).toContain('Not verified by stripe: no_matching_signature\n\nLikeliest cause: secret_prefix\n');
    });

    it('finds a Standard Webhooks sender that uses the whsec_ secret as text', async () => {
      const asText = createHmac('sha256', WHSEC_SECRET).update(`msg_1.1614265330.${COMPACT}`).digest('base64');
      const result = await run([
        'diagnose',
        'standardwebhooks',
        '--secret-env',
        'WHSEC_SECRET',
        '--body',
        COMPACT,
        '--received-at',
        '1614265330',
        '-H',
        'webhook-id: msg_1',
        '-H',
        'webhook-timestamp: 1614265330',
        '-H',
        `webhook-signature: v1,${asText}`,
      ]);
      expect(result.stdout).toContain('Likeliest cause: secret_used_as_text\n');
    });

    it('takes a declarative scheme as JSON, and finds another hash algorithm', async () => {
      const scheme = JSON.stringify({ header: 'x-acme-signature', algorithm: 'sha512', encoding: 'hex', prefix: 'sha256=' });
      const result = await run([
        'diagnose',
        scheme,
        '--secret-env',
        'WEBHOOK_SECRET',
        '--body',
        COMPACT,
        '-H',
        `x-acme-signature: sha256=${hmacHex(SECRET, COMPACT)}`,
      ]);
      expect(result.stdout).toContain('Not verified by the x-acme-signature scheme: malformed_header\n\nLikeliest cause: signature_algorithm\n');
      const invalid = await run(['diagnose', '{"header":"x"}', '--secret-env', 'WEBHOOK_SECRET', '--body', '{}']);
      expect(invalid).toMatchObject({ status: 2, stderr: expect.stringContaining("The signature scheme of header 'x' needs an algorithm") });
    });

    it('takes --secret inline, with a note about shell history', async () => {
      const result = await run(['diagnose', 'fullup', '--secret', SECRET, '--body', COMPACT, '-H', `fullup-signature: ${hmacHex(SECRET, COMPACT)}`]);
      expect(result.status).toBe(0);
      expect(result.stderr).toContain('--secret-env NAME');
    });
  });

  describe('sign', () => {
    it('prints a curl whose signature node:crypto agrees with, and that diagnose verifies', async () => {
      const url = 'https://api.example.com/webhooks/fullup';
      const result = await run(['sign', 'fullup', '--secret-env', 'WEBHOOK_SECRET', '--body', COMPACT, '--url', url]);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(
        [
          `curl -i -X POST '${url}'`,
          "-H 'content-type: application/json'",
          `-H 'fullup-signature: ${hmacHex(SECRET, COMPACT)}'`,
          `--data-binary '${COMPACT}'`,
        ].join(' \\\n  ') + '\n',
      );
      const headers = [...result.stdout.matchAll(/-H '([^']+)'/g)].map((match) => match[1]!);
      const check = await run(['diagnose', 'fullup', '--secret-env', 'WEBHOOK_SECRET', '--body', COMPACT, ...headers.flatMap((h) => ['-H', h])]);
      expect(check.status).toBe(0);
    });

    it('signs a timestamp given, sends a body file by path, and quotes for the shell', async () => {
      const body = file("it's.json", PRETTY);
      const result = await run(['sign', 'noyo', '--secret-env', 'WEBHOOK_SECRET', '--body-file', body, '--timestamp', '1715203665']);
      expect(result.stdout).toContain("-H 'x-noyo-timestamp: 2024-05-08T21:27:45.000Z'");
      expect(result.stdout).toContain(`-H 'x-noyo-signature: ${hmacHex(SECRET, `2024-05-08T21:27:45.000Z.${PRETTY}`)}'`);
      expect(result.stdout).toContain(`--data-binary '@${body.replace("'", "'\\''")}'`);
    });

    it('signs a Standard Webhooks id and timestamp given, as the standardwebhooks library does', async () => {
      const result = await run([
        'sign',
        'standardwebhooks',
        '--secret-env',
        'WHSEC_SECRET',
        '--body',
        '{"test": 2432232314}',
        '--id',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        '--timestamp',
        '1614265330',
      ]);
      expect(result.stdout).toContain("-H 'webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek'");
      expect(result.stdout).toContain("-H 'webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='");
    });

    it('signs a SignalWire form post over the URL given', async () => {
      const url = 'https://api.example.com/hooks/sw';
      const result = await run(['sign', 'signalwire', '--secret-env', 'WEBHOOK_SECRET', '--format', 'form', '--url', url], {
        stdin: 'To=%2B1800&From=%2B1415',
      });
      const expected = createHmac('sha1', SECRET).update(`${url}From+1415To+1800`).digest('base64');
      expect(result.stdout).toContain(`-H 'x-signalwire-signature: ${expected}'`);
      expect(result.stdout).toContain("-H 'content-type: application/x-www-form-urlencoded'");
    });
  });

  describe('usage', () => {
    it.each([
      [['diagnose', 'fullup', '--body', '{}'], 'Give the secret with one of --secret-env NAME or --secret VALUE.'],
      [['diagnose', 'fullup', '--secret-env', 'UNSET_VARIABLE', '--body', '{}'], 'The environment variable UNSET_VARIABLE is not set or empty.'],
      [['diagnose', 'nope', '--secret-env', 'WEBHOOK_SECRET'], "Unknown scheme 'nope'. Built-in schemes: trophy, fullup"],
      [['diagnose', 'strpe', '--secret-env', 'WEBHOOK_SECRET'], "Unknown scheme 'strpe'. Did you mean 'stripe'? Built-in schemes: trophy, fullup"],
      [['sign', 'GitHub', '--secret-env', 'WEBHOOK_SECRET'], "Unknown scheme 'GitHub'. Did you mean 'github'? Built-in schemes:"],
      [['diagnose', 'fullup', '--secret-env', 'WEBHOOK_SECRET', '--body', '{}', '-H', 'no colon'], "A header is 'name: value'"],
      [['diagnose', 'fullup', '--secret-env', 'WEBHOOK_SECRET', '--timestamp', '1'], 'Unknown option --timestamp.'],
      [['diagnose', 'fullup', '--secret-env'], '--secret-env needs a value.'],
      [
        ['diagnose', 'fullup', '--secret-env', 'WEBHOOK_SECRET', '--body', '{}', '--received-at', 'yesterday'],
        '--received-at is Unix seconds or an ISO-8601 time',
      ],
      [['sign', 'fullup', '--secret-env', 'WEBHOOK_SECRET', '--format', 'xml'], "--format is 'json' or 'form'."],
      [['frobnicate'], "Unknown command 'frobnicate'."],
    ])('rejects %j with exit 2 and a message', async (argv, message) => {
      const result = await run(argv);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    });

    it('prints the usage with --help, and exits 2 with no command', async () => {
      expect(await run(['diagnose', '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('--secret-env NAME') });
      expect(await run([])).toMatchObject({ status: 2, stdout: expect.stringContaining('Usage:') });
    });
  });

  describe('every built-in scheme', () => {
    /** Environment variables holding a secret in each format a scheme may ask for. */
    const FORMATS = { WEBHOOK_SECRET: SECRET, WHSEC_SECRET, SUPABASE_SECRET: `v1,${WHSEC_SECRET}`, BASIC_SECRET: `user:${SECRET}` };
    const env = { SUPABASE_SECRET: FORMATS.SUPABASE_SECRET, BASIC_SECRET: FORMATS.BASIC_SECRET };
    const secretOf = (scheme: BuiltInScheme) => {
      const verifier: WebhookVerifier = new BUILT_IN_VERIFIERS[scheme]();
      return Object.entries(FORMATS).find(([, secret]) => verifier.checkSecret?.(secret) === undefined)!;
    };
    const url = 'https://example.com/hooks?tenant=1';

    // Public-key and body-field schemes sign with keys or fields of their own: the CLI can diagnose them, not sign for them.
    const signable = (Object.keys(BUILT_IN_VERIFIERS) as BuiltInScheme[]).filter((scheme) => !Object.hasOwn(OWN_PROPERTY_TESTS, scheme));
    it.each(signable)('%s: signs a curl without the secret, and diagnoses what signWebhook signs as verified', async (scheme) => {
      const [variable, secret] = secretOf(scheme);
      // Twilio's form scheme signs form parameters, whose first name is a plain name.
      const body = scheme === 'twilio' ? 'CallSid=CA1&From=%2B14155550100' : COMPACT;
      const signed = await run(['sign', scheme, '--secret-env', variable, '--body', body, '--url', url], { env });
      expect(signed).toMatchObject({ status: 0, stderr: '' });
      expect(signed.stdout).not.toContain(secret);
      expect(signed.stdout).not.toContain(Buffer.from(secret).toString('base64'));

      const headers = signWebhook(scheme, { secret, body, url });
      // A form-post scheme reads the body as a form only when it is sent as one.
      const form = scheme === 'twilio' ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
      const lines = Object.entries({ ...headers, ...form }).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
      const diagnosed = await run(['diagnose', scheme, '--secret-env', variable, '--body', body, '--url', url, ...lines], { env });
      expect(diagnosed).toMatchObject({ status: 0, stdout: expect.stringMatching(new RegExp(`^Verified by ${scheme}:`)) });
    });

    it('reads a token or Basic credentials from the environment in the curl, and asks for --secret-env', async () => {
      const token = await run(['sign', 'gitlab', '--secret-env', 'WEBHOOK_SECRET', '--body', COMPACT]);
      expect(token.stdout).toContain(`-H 'x-gitlab-token: '"$WEBHOOK_SECRET"`);
      const basic = await run(['sign', 'postmark', '--secret-env', 'BASIC_SECRET', '--body', COMPACT], { env });
      expect(basic.stdout).toContain('-u "$BASIC_SECRET"');
      expect(basic.stdout).not.toContain('authorization');
      const inline = await run(['sign', 'telegram', '--secret', SECRET, '--body', COMPACT]);
      expect(inline).toMatchObject({ status: 2, stdout: '' });
      expect(inline.stderr).toContain('This scheme sends the secret itself: give it with --secret-env NAME');
    });
  });

  // Runs last, over the output of every command above.
  it('never writes the secret', () => {
    expect(runs.length).toBeGreaterThan(20);
    const forms = [SECRET, Buffer.from(SECRET).toString('base64'), WHSEC_SECRET.slice('whsec_'.length)];
    for (const { stdout, stderr } of runs) {
      for (const form of forms) expect(stdout + stderr).not.toContain(form);
    }
  });
});
