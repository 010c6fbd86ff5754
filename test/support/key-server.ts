import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  /** What each path answers: a body, or a delay before it. */
  readonly routes: Map<string, { body: string; delayMs?: number; status?: number }>;
  close(): Promise<void>;
}

/** Starts a key server answering from `routes`; 404 elsewhere. */
export async function startKeyServer(): Promise<KeyServer> {
  const hits = new Map<string, number>();
  const bodies: string[] = [];
  const routes = new Map<string, { body: string; delayMs?: number; status?: number }>();
  const server: Server = createServer((request: IncomingMessage, response) => {
    const path = request.url ?? '';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hits.set(path, (hits.get(path) ?? 0) + 1);
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      const route = routes.get(path);
      const reply = () => {
        if (!route) return void response.writeHead(404).end();
        response.writeHead(route.status ?? 200, { 'content-type': 'application/json' }).end(route.body);
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
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=messageverificationcerts.example', '-days', String(days),
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'), privateKey: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
