import type { IncomingMessage } from 'node:http';

/** A request as the guard sees it on Express; `rawBody` is set by Nest's parsers or by the guard. */
export interface RawBodyRequest extends IncomingMessage {
  rawBody?: Buffer;
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
 *    is created with `{ rawBody: true }`;
 * 2. the stream itself, when no parser consumed it (any other content type,
 *    or an empty body): the guard reads it here, up to `limit` bytes, and
 *    keeps it on `request.rawBody` for the handler.
 *
 * When a parser consumed the stream and kept no copy, the bytes are gone:
 * `'unavailable'`. The body is never rebuilt from the parsed object.
 */
export async function readRawBody(request: RawBodyRequest, limit: number): Promise<RawBodyResult> {
  if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
  if (request.readableDidRead || request.readableEnded || request.destroyed) return 'unavailable';

  const declared = Number(request.headers['content-length']);
  if (declared > limit) return 'too_large';

  const body = await readStream(request, limit);
  if (body !== 'too_large') request.rawBody = body;
  return body;
}

/** Reads a stream to its end, stopping (and pausing it) as soon as it passes `limit` bytes. */
function readStream(stream: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
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
    const onClose = (): void => onError(new Error('The request was closed before its body ended'));
    stream.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
