import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookRequest } from '../../src/verifiers/webhook-verifier.interface.js';

/** A request as a verifier sees it: header names lower-cased, body as bytes. */
export function webhookRequest(body: string | Buffer, headers: Record<string, string | string[]>, url = 'https://example.com/webhooks'): WebhookRequest {
  const lowered: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
  return { rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body), headers: lowered, url };
}

/** Flips one bit of the byte at `index` (default: the middle one) of a string's UTF-8 bytes. */
export function flipByte(body: string | Buffer, index?: number): Buffer {
  const bytes = Buffer.from(body);
  bytes[index ?? bytes.length >> 1]! ^= 0x01;
  return bytes;
}

/** Header values no verifier may throw on. */
export const JUNK_HEADER_VALUES: readonly (string | string[])[] = [
  '',
  ' ',
  'not-a-signature',
  'zz'.repeat(32),
  '%%%%',
  '=',
  '\u0000\u0001\u0002',
  'ü'.repeat(40),
  'x'.repeat(10 * 1024),
  ['a', 'b'],
  ',,,,',
  Array.from({ length: 50 }, () => 'ab').join(','),
];
