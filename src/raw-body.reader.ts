import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** A request as the guard sees it on Express; `rawBody` is set by Nest's parsers or by the guard. */
export interface RawBodyRequest extends IncomingMessage {
  rawBody?: Buffer;
}

/** The fields of a Fastify request the guard reads; `raw` is Node's request. */
interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly url: string;
  readonly originalUrl?: string;
  readonly protocol: string;
  readonly params?: Record<string, string>;
  rawBody?: Buffer;
}

/** The fields of an Express request the guard reads. */
interface ExpressRequestLike extends RawBodyRequest {
  readonly originalUrl?: string;
  readonly protocol?: string;
  readonly params?: Record<string, string>;
}

/** A request as the guard needs it, whichever HTTP adapter the app runs on. */
export interface WebhookHttpRequest {
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /** Path and query string as received, before any rewrite. */
  readonly path: string;
  /** `http` or `https`, as the adapter reports it. */
  readonly protocol: string;
  /** Request headers, names lower-cased as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** Route params, e.g. `tenantId` of `/webhooks/:tenantId`. */
  readonly params: Readonly<Record<string, string>>;
  /** Node's request, from which the body streams. */
  readonly stream: IncomingMessage;
  /** The request handlers get with `@Req()`, which holds `rawBody`. */
  readonly request: { rawBody?: Buffer };
}

/** Gives the guard the same view of an Express or a Fastify request. */
export function toWebhookHttpRequest(request: ExpressRequestLike | FastifyRequestLike): WebhookHttpRequest {
  const stream = 'raw' in request ? request.raw : request;
  return {
    // Stryker disable next-line StringLiteral: Express and Fastify always set the method; the fallback is never taken.
    method: request.method ?? '',
    // Stryker disable next-line StringLiteral: Express and Fastify always set the URL; the fallback is never taken.
    path: request.originalUrl ?? request.url ?? '',
    // Stryker disable next-line StringLiteral: Express and Fastify always set the protocol; the fallback is never taken.
    protocol: request.protocol ?? ('encrypted' in stream.socket ? 'https' : 'http'),
    headers: request.headers,
    params: request.params ?? {},
    stream,
    request,
  };
}

/** The exact bytes received, or why they cannot be had. */
export type RawBodyResult = Buffer | 'unavailable' | 'too_large';

/**
 * Obtains the exact bytes of the request body.
 *
 * Nest runs middleware (where body parsers live) before guards, and guards
 * before interceptors and pipes, so an interceptor would come too late: by
 * the time the guard runs, a parser may already have read the stream. The
 * bytes therefore come from one of two places:
 *
 * 1. `request.rawBody`, which Nest's JSON and form parsers fill when the app
 *    is created with `{ rawBody: true }`, on Express and on Fastify;
 * 2. the stream itself, when no parser consumed it (any other content type,
 *    or an empty body): the guard reads it here, up to `limit` bytes, and
 *    keeps it on `request.rawBody` for the handler. Fastify answers 415 to a
 *    content type it has no parser for before any guard runs.
 *
 * When a parser consumed the stream and kept no copy, the bytes are gone:
 * `'unavailable'`. The body is never rebuilt from the parsed object. A
 * stream that nobody read but whose client has gone rejects, as a broken
 * request rather than a misconfiguration.
 */
export async function readRawBody({ request, stream }: WebhookHttpRequest, limit: number): Promise<RawBodyResult> {
  if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
  if (stream.readableDidRead || stream.readableEnded) return 'unavailable';
  // Stryker disable next-line StringLiteral: the guard answers 400 to any error here and never reads its message.
  if (stream.destroyed) throw new Error('The client closed the request before its body was read');

  const declared = Number(stream.headers['content-length']);
  if (declared > limit) return 'too_large';

  const body = await readStream(stream, limit);
  if (body !== 'too_large') request.rawBody = body;
  return body;
}

/** Reads a stream to its end, stopping (and pausing it) as soon as it passes `limit` bytes. */
function readStream(stream: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Stryker disable BlockStatement,StringLiteral: once the promise is settled, a listener left on the stream can only
    // settle it again, which does nothing, or pause a request that stays paused: no one resumes it after the guard.
    const settle = (): void => {
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    // Stryker restore BlockStatement,StringLiteral
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      settle();
      stream.pause();
      resolve('too_large');
    };
    const onEnd = (): void => {
      settle();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    // Stryker disable next-line StringLiteral: the guard answers 400 to any error here and never reads its message.
    const onClose = (): void => onError(new Error('The request was closed before its body ended'));
    stream.on('data', onData).on('end', onEnd).on('close', onClose);
    // Stryker disable next-line StringLiteral: Node's request emits 'error' only to a listener, and always 'close' after it,
    // which rejects all the same; the listener is kept so that no error on the stream can go unhandled.
    stream.on('error', onError);
  });
}
