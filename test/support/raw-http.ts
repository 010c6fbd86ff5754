import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** A response as the client saw it. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * Sends one request with node:http and no agent. A header given as an array
 * goes out as that many header lines. A body given as several chunks, with no
 * content-length header, goes out with chunked transfer encoding.
 */
export function send(
  port: number,
  path: string,
  headers: Record<string, string | string[] | number>,
  body: Buffer | string | readonly (Buffer | string)[] = '',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    for (const chunk of Array.isArray(body) ? body : [body]) req.write(chunk);
    req.end();
  });
}

/**
 * Writes `head` on a TCP connection, then `drip` every `intervalMs` until the
 * server closes the connection, and resolves with what the server wrote.
 * `abort` closes the connection from the client side right after `head`.
 */
export function rawExchange(
  port: number,
  head: string | Buffer,
  { drip, intervalMs = 50, abort = false }: { drip?: string; intervalMs?: number; abort?: boolean } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve(Buffer.concat(received).toString('latin1'));
    });
    socket.write(head, () => {
      if (abort) socket.destroy();
      else if (drip !== undefined) timer = setInterval(() => socket.writable && socket.write(drip), intervalMs);
    });
  });
}
