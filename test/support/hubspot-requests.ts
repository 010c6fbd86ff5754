import { createHmac } from 'node:crypto';
import { request } from 'node:http';

/** The HubSpot client secret of the e2e apps that receive HubSpot requests. */
export const HUBSPOT_SECRET = 'hubspot-client-secret';

/** HubSpot's v3 signature headers, computed as its docs describe (none of the library's code). */
export function hubspotHeaders(method: string, uri: string, body: string): Record<string, string> {
  const timestamp = String(Date.now());
  const signature = createHmac('sha256', HUBSPOT_SECRET).update(`${method}${uri}${body}${timestamp}`).digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}

/** Sends one request with node:http, any method and the request target as given; resolves with the status. */
export function call(port: number, method: string, path: string, headers: Record<string, string | string[]>, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    // Node's client sends no Content-Length for a GET or HEAD unless told: the body would go unread, as another request.
    const sized = body === '' ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, path, method, headers: sized, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
