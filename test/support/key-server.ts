import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key server on 127.0.0.1 for the schemes that fetch keys: real HTTP, real sockets. */
export interface KeyServer {
  readonly origin: string;
  /** Requests received, by path. */
  readonly hits: Map<string, number>;
  /** Bodies of the requests received, in order. */
  readonly bodies: string[];
  /** Method and content type of the requests received, in order. */
  readonly requests: { method: string | undefined; contentType: string | undefined }[];
  /** What each path answers: a body, or a delay before it; sent chunked, or with its Content-Length when `declareLength`. */
  readonly routes: Map<string, KeyRoute>;
  close(): Promise<void>;
}

/** What a path of the key server answers. */
export interface KeyRoute {
  body: string;
  delayMs?: number;
  status?: number;
  declareLength?: boolean;
}

/** Starts a key server answering from `routes`; 404 elsewhere. */
export async function startKeyServer(): Promise<KeyServer> {
  const hits = new Map<string, number>();
  const bodies: string[] = [];
  const requests: KeyServer['requests'] = [];
  const routes = new Map<string, KeyRoute>();
  const server: Server = createServer((request: IncomingMessage, response) => {
    const path = request.url ?? '';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hits.set(path, (hits.get(path) ?? 0) + 1);
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      requests.push({ method: request.method, contentType: request.headers['content-type'] });
      const route = routes.get(path);
      const reply = () => {
        if (!route) return void response.writeHead(404).end();
        const length = route.declareLength ? { 'content-length': Buffer.byteLength(route.body) } : {};
        response.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...length }).end(route.body);
      };
      if (route?.delayMs) setTimeout(reply, route.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    bodies,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A self-signed RSA certificate and its private key, made by openssl for the test. */
export function selfSignedCertificate(days = 1): { certificate: string; privateKey: string } {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=messageverificationcerts.example',
        '-days',
        String(days),
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'), privateKey: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A certificate made by openssl for the test, with its private key (PEM). */
export interface TestCertificate {
  readonly certificate: string;
  readonly privateKey: string;
}

/**
 * A certificate made by openssl: self-signed without `issuer`, otherwise
 * signed by it. A certificate authority (basicConstraints CA:TRUE) when `ca`,
 * with a new P-256 key; otherwise an RSA certificate with `privateKey`, or a
 * new 2048-bit key.
 */
export function testCertificate(options: { subject: string; issuer?: TestCertificate; ca?: boolean; days?: number; privateKey?: string }): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-cert-'));
  const file = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const days = String(options.days ?? 1);
  const extensions = options.ca ? ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'] : ['basicConstraints=critical,CA:FALSE'];
  try {
    if (options.privateKey) writeFileSync(file('key.pem'), options.privateKey);
    else if (options.ca) run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('key.pem')]);
    else run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('key.pem')]);
    if (options.issuer) {
      writeFileSync(file('ext.cnf'), extensions.join('\n'));
      writeFileSync(file('issuer.pem'), options.issuer.certificate);
      writeFileSync(file('issuer.key'), options.issuer.privateKey);
      run(['req', '-new', '-key', file('key.pem'), '-subj', options.subject, '-out', file('req.csr')]);
      run([
        'x509',
        '-req',
        '-in',
        file('req.csr'),
        '-CA',
        file('issuer.pem'),
        '-CAkey',
        file('issuer.key'),
        '-set_serial',
        String(Date.now()),
        '-days',
        days,
        '-extfile',
        file('ext.cnf'),
        '-out',
        file('cert.pem'),
      ]);
    } else {
      run([
        'req',
        '-x509',
        '-key',
        file('key.pem'),
        '-subj',
        options.subject,
        '-days',
        days,
        ...extensions.flatMap((extension) => ['-addext', extension]),
        '-out',
        file('cert.pem'),
      ]);
    }
    return { certificate: readFileSync(file('cert.pem'), 'utf8'), privateKey: readFileSync(file('key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The subject of PayPal's live signing certificate. */
export const PAYPAL_SUBJECT = '/CN=messageverificationcerts.paypal.com';

/** A test authority and a PayPal signing certificate it issued: serve `certificate`, trust `authority`. */
export function paypalCertificate(days = 1): TestCertificate & { readonly authority: string } {
  const authority = testCertificate({ subject: '/CN=Test Root CA', ca: true, days: days + 1 });
  return { ...testCertificate({ subject: PAYPAL_SUBJECT, issuer: authority, days }), authority: authority.certificate };
}
