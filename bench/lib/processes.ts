import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The compiled bench directory (`dist-bench/bench`). */
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** CPU cores for the server and for the load generator, or `undefined` when they cannot be pinned. */
export const PINNING: { readonly server: number; readonly load: number } | undefined =
  availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', process.execPath, '-e', '']).status === 0 ? { server: 0, load: 1 } : undefined;

/** Command and arguments that run a compiled bench script under Node, on `cpu` when pinning is possible. */
function command(script: string, args: readonly string[], cpu: number | undefined): [string, string[]] {
  const nodeArgs = [BENCH_DIR + script, ...args];
  return PINNING && cpu !== undefined ? ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
}

/** Runs a bench script to its end and parses the JSON it prints. */
export function runScript<T>(script: string, args: readonly string[], cpu?: number): T {
  const [file, argv] = command(script, args, cpu);
  const child = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`${script} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as T;
}

/** A running bench server and the port it listens on. */
export interface Server {
  readonly process: ChildProcess;
  readonly port: number;
  /** Sends `message` and resolves with the server's reply. */
  ask<T>(message: string): Promise<T>;
  /** Disconnects and waits for the server to exit. */
  stop(): Promise<void>;
}

/** Starts the bench server, on the server's core when pinning is possible. */
export function startServer(args: readonly string[] = []): Promise<Server> {
  const [file, argv] = command('http/server.js', args, PINNING?.server);
  const child = spawn(file, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <T>(message: string): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (reply) => resolve(reply as T));
      child.send(message);
    });
  const stop = async (): Promise<void> => {
    if (child.connected) child.disconnect();
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ process: child, port: (message as { port: number }).port, ask, stop }));
    child.once('exit', (code) => reject(new Error(`the bench server exited before listening (exit ${code})`)));
  });
}
