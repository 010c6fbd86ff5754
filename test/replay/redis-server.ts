import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect as connectTcp, createServer } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * The Redis the Redis suites share: `REDIS_URL`, which `npm run test:redis`
 * sets after starting a server. There is no stand-in: without it, the suite fails.
 */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set. Run the Redis suites with `npm run test:redis`, which starts a redis-server.');
  return url;
}

/** A client that gives up quickly, so a test of an unreachable Redis stays short. */
export function connect(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
    connectTimeout: 500,
    disconnectTimeout: 100,
    lazyConnect: false,
    ...options,
  });
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A redis-server of the test's own, which the test can stop mid-run. */
export interface OwnRedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts a redis-server on `port` (a free one by default), bound to loopback,
 * without persistence. Needs `redis-server` on the PATH, as `npm run test:redis` ensures.
 */
export async function startRedisServer(port?: number): Promise<OwnRedisServer> {
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.env.REDIS_SERVER ?? 'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  for (let attempt = 0; !(await accepts(chosen)); attempt++) {
    if (spawnError) throw new Error(`redis-server could not be started (is it installed?): ${spawnError.message}`);
    if (child.exitCode !== null || attempt === 100) throw new Error(`redis-server did not start on port ${chosen}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = `redis://127.0.0.1:${chosen}`;
  return {
    url,
    port: chosen,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** True once something accepts TCP connections on the loopback `port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false));
  });
}
