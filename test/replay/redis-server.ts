import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectTcp, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

/**
 * The Redis the Redis suites share: `REDIS_URL`, which `npm run test:redis`
 * sets after starting a server. There is no stand-in: without it, the suite fails.
 */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set. Run the Redis suites with `npm run test:redis`, which starts a redis-server.');
  return url;
}

/**
 * The nodes of the Redis Cluster the Redis suites share: `REDIS_CLUSTER_NODES`
 * (`host:port,...`), which `npm run test:redis` sets after creating a cluster
 * of three masters.
 */
export function redisClusterNodes(): ClusterNode[] {
  const nodes = process.env.REDIS_CLUSTER_NODES;
  if (!nodes) throw new Error('REDIS_CLUSTER_NODES is not set. Run the Redis suites with `npm run test:redis`, which creates a cluster.');
  return nodes.split(',').map((node) => {
    const [host, port] = node.split(':');
    return { host: host!, port: Number(port) };
  });
}

/** A Cluster client that gives up quickly, as {@link connect}. */
export function connectCluster(nodes: ClusterNode[]): Cluster {
  return new Cluster(nodes, {
    clusterRetryStrategy: () => 50,
    slotsRefreshTimeout: 500,
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 500, disconnectTimeout: 100 },
  });
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
  /** Freezes the process (SIGSTOP): connections stay open, and nothing is answered until {@link resume}. */
  pause(): void;
  /** Lets a paused process go on (SIGCONT): it then answers what it was sent meanwhile. */
  resume(): void;
  stop(): Promise<void>;
}

/**
 * Starts a redis-server on `port` (a free one by default), bound to loopback,
 * without persistence. Needs `redis-server` on the PATH, as `npm run test:redis` ensures.
 */
export async function startRedisServer(port?: number, extraArguments: readonly string[] = []): Promise<OwnRedisServer> {
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.env.REDIS_SERVER ?? 'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...extraArguments],
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
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      // A paused process would hold the SIGTERM until it goes on.
      child.kill('SIGCONT');
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

/** A Redis Cluster of the test's own, one of whose masters the test can stop and start again. */
export interface OwnRedisCluster {
  readonly nodes: { readonly host: string; readonly port: number }[];
  /** The master on `port` by the first and last hash slot it serves. */
  readonly slots: ReadonlyMap<number, readonly [number, number]>;
  /** Stops the master on `port` (SIGTERM to its PID). */
  stopNode(port: number): Promise<void>;
  /** Starts the master on `port` again, from its cluster config file: same node id, same slots, no data. */
  restartNode(port: number): Promise<void>;
  /** Stops every master by its PID and removes the config files. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Creates a cluster of three masters without replicas on free loopback ports
 * (`redis-cli --cluster create`), in a temporary directory. Full coverage is
 * not required, so the masters that are up keep serving while one is down.
 */
export async function startRedisCluster(): Promise<OwnRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const argumentsOf = (port: number) => [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(dir, `nodes-${port}.conf`),
    '--cluster-node-timeout',
    '1000',
    '--cluster-require-full-coverage',
    'no',
    '--dir',
    dir,
  ];
  const servers = new Map<number, OwnRedisServer>();
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      servers.set(port, await startRedisServer(port, argumentsOf(port)));
    }
    const addresses = [...servers.keys()].map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of servers.keys()) await clusterStateOk(port);
    const slots = new Map<number, readonly [number, number]>();
    const { stdout } = await run('redis-cli', ['-p', String([...servers.keys()][0]), 'cluster', 'nodes']);
    for (const line of stdout.trim().split('\n')) {
      const fields = line.split(' ');
      const port = Number(fields[1]!.split(':')[1]!.split('@')[0]);
      const [first, last] = fields[8]!.split('-').map(Number);
      slots.set(port, [first!, last ?? first!]);
    }
    return {
      nodes: [...servers.keys()].map((port) => ({ host: '127.0.0.1', port })),
      slots,
      stopNode: (port) => servers.get(port)!.stop(),
      async restartNode(port) {
        servers.set(port, await startRedisServer(port, argumentsOf(port)));
        await clusterStateOk(port);
      },
      async stop() {
        for (const server of servers.values()) await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const server of servers.values()) await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Waits until the node on `port` reports `cluster_state:ok`, for at most 10 s. */
async function clusterStateOk(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']).catch(() => ({ stdout: '' }));
    if (stdout.includes('cluster_state:ok')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the cluster node on port ${port} did not reach cluster_state:ok`);
}
