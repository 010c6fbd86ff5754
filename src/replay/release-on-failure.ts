import type { ServerResponse } from 'node:http';

/**
 * Runs `release` when `response` turns out not to be a success, and holds
 * that response's bytes until it has settled; runs `settle`, if given, when
 * it turns out a success, without holding anything.
 *
 * The status is known when the first byte is about to leave: at the first
 * `write` or `end`, the two ways a body (and, with it, the head) reaches the
 * socket on Node, Express and Fastify alike. From a 2xx on, the response
 * passes through untouched. Otherwise the call, and any that follow, wait
 * for `release`, then run in order: a sender that retries the moment it
 * reads the failure finds the claim already gone. This is what
 * express-session does to save a session before the response ends, and
 * only this one response is wrapped.
 *
 * A response that never ends (the connection closed first, and the handler
 * has not answered yet) decides nothing until it does; if it never does, the
 * claim stays until its TTL.
 */
export function releaseOnFailure(response: ServerResponse, release: () => Promise<void>, settle?: () => void): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- both are called with `apply(response, ...)` below
  const { write, end } = response;
  /** `undefined` until the status is known, then `true` to pass calls through, or the calls held until the release settles. */
  let held: (() => void)[] | true | undefined;

  const wrappedWrite = function (this: unknown, ...args: Parameters<ServerResponse['write']>): boolean {
    return holds(() => write.apply(response, args)) || write.apply(response, args);
  } as ServerResponse['write'];
  const wrappedEnd = function (this: unknown, ...args: Parameters<ServerResponse['end']>): ServerResponse {
    return holds(() => end.apply(response, args)) ? response : end.apply(response, args);
  } as ServerResponse['end'];

  /** Puts the methods back, unless something wrapped them since (and calls through this wrapper). */
  const unwrap = (): void => {
    if (response.write === wrappedWrite) response.write = write;
    if (response.end === wrappedEnd) response.end = end;
  };

  /** Whether `call` must wait for the release; the first call decides. */
  const holds = (call: () => void): boolean => {
    if (held === true) return false;
    if (held) {
      held.push(call);
      return true;
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      held = true;
      unwrap();
      settle?.();
      return false;
    }
    const calls = (held = [call]);
    const flush = (): void => {
      held = true;
      unwrap();
      for (const next of calls) next();
    };
    release().then(flush, flush);
    return true;
  };

  response.write = wrappedWrite;
  response.end = wrappedEnd;
}
