import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { releaseOnFailure } from '../../src/replay/release-on-failure.js';

/**
 * `releaseOnFailure` on a plain Node server, the response object that Express
 * hands to Nest: what reaches the client, and when the release and settle run.
 */
describe('releaseOnFailure', () => {
  let server: Server;
  /** What happened, in order: `release`, `released`, `settle`, and what the client received. */
  let events: string[];
  /** Answers each request; set by each test. */
  let answer: (response: ServerResponse) => void;
  /** Lets a held release finish. */
  let finishRelease: () => void;

  beforeEach(async () => {
    events = [];
    server = createServer((_request, response) => answer(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A release that waits for `finishRelease()`, or settles at once with `immediately`. */
  const release =
    (immediately = false) =>
    () => {
      events.push('release');
      if (immediately) return Promise.resolve().then(() => void events.push('released'));
      return new Promise<void>((resolve) => {
        finishRelease = () => {
          events.push('released');
          resolve();
        };
      });
    };
  const settle = () => void events.push('settle');

  /** Sends a request and records `status body` once the whole response is in. */
  const get = async (): Promise<string> => {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    const received = `${response.status} ${await response.text()}`;
    events.push(received);
    return received;
  };

  it.each([200, 204, 299])('passes a %i through at once, settles it and never releases', async (status) => {
    const methods: unknown[] = [];
    answer = (response) => {
      const { write, end } = response;
      releaseOnFailure(response, release(), settle);
      response.statusCode = status;
      if (status !== 204) response.write('a');
      response.end(status === 204 ? undefined : 'b');
      methods.push(response.write === write && response.end === end);
    };
    await get();
    expect(events).toEqual(['settle', status === 204 ? '204 ' : `${status} ab`]);
    expect(methods).toEqual([true]);
  });

  it('passes a 2xx through when no settle is given', async () => {
    answer = (response) => {
      releaseOnFailure(response, release());
      response.end('ok');
    };
    expect(await get()).toBe('200 ok');
    expect(events).toEqual(['200 ok']);
  });

  it.each([300, 302, 400, 500, 503])('holds a %i until the release has settled, then sends every write in order', async (status) => {
    const methods: unknown[] = [];
    let restored = () => false;
    answer = (response) => {
      const { write, end } = response;
      releaseOnFailure(response, release(), settle);
      response.statusCode = status;
      response.write('a');
      response.write('b');
      response.end('c');
      methods.push(response.write === write, response.end === end);
      setImmediate(() => {
        events.push('released?');
        finishRelease();
      });
      restored = () => response.write === write && response.end === end;
    };
    await get();
    methods.push(restored());
    expect(events).toEqual(['release', 'released?', 'released', `${status} abc`]);
    expect(methods).toEqual([false, false, true]);
  });

  it('sends a failure held at its first write once the release settles, and the calls after it straight through', async () => {
    answer = (response) => {
      releaseOnFailure(response, release(true), settle);
      response.statusCode = 500;
      response.write('a');
      setTimeout(() => response.end('b'), 20);
    };
    expect(await get()).toBe('500 ab');
    expect(events).toEqual(['release', 'released', '500 ab']);
  });

  it('releases once for a failure, however many calls it holds', async () => {
    answer = (response) => {
      releaseOnFailure(response, release(true), settle);
      response.statusCode = 500;
      response.write('a');
      response.write('b');
      response.end();
    };
    await get();
    expect(events.filter((event) => event === 'release')).toEqual(['release']);
  });

  it('keeps a wrapper that the application put on end() after it, and decides once for the calls that come through it', async () => {
    for (const status of [200, 500]) {
      events = [];
      answer = (response) => {
        releaseOnFailure(response, release(true), settle);
        const wrapped = response.end;
        response.end = function (this: ServerResponse, chunk: unknown) {
          return wrapped.call(this, `${String(chunk)} (wrapped)`, 'utf8');
        } as ServerResponse['end'];
        response.statusCode = status;
        response.write('a');
        // Once the first call has decided (and, for a failure, the release has settled).
        setTimeout(() => response.end('b'), 20);
      };
      expect(await get()).toBe(`${status} ab (wrapped)`);
      expect(events).toEqual(status === 200 ? ['settle', '200 ab (wrapped)'] : ['release', 'released', '500 ab (wrapped)']);
    }
  });

  it('keeps a wrapper that the application put on write() after it', async () => {
    for (const status of [200, 500]) {
      answer = (response) => {
        releaseOnFailure(response, release(true), settle);
        const wrapped = response.write;
        response.write = function (this: ServerResponse, chunk: unknown) {
          return wrapped.call(this, `[${String(chunk)}]`, 'utf8');
        } as ServerResponse['write'];
        response.statusCode = status;
        response.write('a');
        response.write('b');
        response.end('c');
      };
      expect(await get()).toBe(`${status} [a][b]c`);
    }
  });
});
