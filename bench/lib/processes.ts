import { spawn, spawnSync, type ChildProcess, type Serializable } from 'node:child_process';
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

/** A bench script running beside the driver, answering its messages. */
export interface Child {
  readonly process: ChildProcess;
  /** Sends `message` and resolves with the script's reply; rejects if the script exits first. */
  ask<T>(message: Serializable): Promise<T>;
  /** Disconnects and waits for the script to exit. */
  stop(): Promise<void>;
}

/** A running bench server and the port it listens on. */
export interface Server extends Child {
  readonly port: number;
}

/** Starts a bench script with an IPC channel, on `cpu` when pinning is possible; resolves once it sends its first message. */
function startChild<T>(script: string, args: readonly string[], cpu: number | undefined): Promise<[Child, T]> {
  const [file, argv] = command(script, args, cpu);
  const child = spawn(file, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <R>(message: Serializable): Promise<R> =>
    new Promise((resolve, reject) => {
      const exit = (code: number | null) => reject(new Error(`${script} exited (exit ${code})`));
      child.once('exit', exit);
      child.once('message', (reply) => {
        child.off('exit', exit);
        resolve(reply as R);
      });
      child.send(message);
    });
  const stop = async (): Promise<void> => {
    if (child.connected) child.disconnect();
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve([{ process: child, ask, stop }, message as T]));
    child.once('exit', (code) => reject(new Error(`${script} exited before it was ready (exit ${code})`)));
  });
}

/** Starts the bench server, on the server's core when pinning is possible. */
export async function startServer(args: readonly string[] = []): Promise<Server> {
  const [server, { port }] = await startChild<{ port: number }>('http/server.js', args, PINNING?.server);
  return { ...server, port };
}

/** Starts the load generator beside the driver, on its core when pinning is possible: `ask` it a `Load`, and it replies with the `LoadResult`. */
export async function startLoader(): Promise<Child> {
  const [loader] = await startChild<'ready'>('http/load.js', [], PINNING?.load);
  return loader;
}
