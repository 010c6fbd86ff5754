/**
 * The load generator, run in its own process (pinned to its own core where
 * it can be): runs each load of the plan in argv[2] with autocannon, one after
 * the other, and prints a `LoadResult` per load as JSON on stdout. Started
 * with an IPC channel (`startLoader`), it instead runs each load it is sent
 * and replies with its `LoadResult`, until the driver disconnects.
 */
import autocannon from 'autocannon';
import { signWebhook } from '../../src/testing/index.js';
import { jsonBody } from '../lib/bodies.js';
import { percentile } from '../lib/stats.js';
import { HTTP_SCHEME, HTTP_SECRET, ROUTES, type Route } from './bench-app.module.js';

/** One load against one route. */
export interface Load {
  readonly port: number;
  readonly route: Route;
  /** JSON body size in bytes. */
  readonly size: number;
  readonly seconds: number;
  readonly connections: number;
}

/** What one load measured. Latencies in milliseconds, from every response. */
export interface LoadResult {
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * A new delivery on every request, for the route with replay protection:
 * the body's event id becomes a counter of the same width, signed anew, so
 * every request is claimed and handled rather than answered as a duplicate.
 */
function newDeliveries(template: Buffer): autocannon.Request['setupRequest'] {
  const text = template.toString('utf8');
  // Random leading digits keep the loads against one server (and its store) apart.
  let n = Math.floor(Math.random() * 36 ** 4) * 36 ** 4;
  return (request) => {
    const body = text.replace('"id":"evt_bench"', `"id":"e${(n++).toString(36).padStart(8, '0')}"`);
    return { ...request, body, headers: { ...request.headers, ...signWebhook(HTTP_SCHEME, { secret: HTTP_SECRET, body }) } };
  };
}

async function run(load: Load): Promise<LoadResult> {
  const body = jsonBody(load.size);
  const headers = { 'content-type': 'application/json', ...signWebhook(HTTP_SCHEME, { secret: HTTP_SECRET, body }) };
  const latencies: number[] = [];
  let failures = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${load.port}${ROUTES[load.route]}`,
        method: 'POST',
        headers,
        body,
        ...(load.route === 'guardedReplay' && { requests: [{ setupRequest: newDeliveries(body) }] }),
        connections: load.connections,
        duration: load.seconds,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // autocannon's own histogram keeps whole milliseconds; the raw response times are exact.
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latencies.push(responseTime);
      else failures++;
    });
  });
  if (failures > 0 || result.errors > 0 || result.timeouts > 0 || latencies.length === 0) {
    throw new Error(`${load.route} ${load.size} B: ${failures} non-200 responses, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    requests: latencies.length,
    reqPerSec: latencies.length / (result.duration || load.seconds),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

if (process.send) {
  process.on('message', (load: Load) => void run(load).then((result) => process.send!(result)));
  process.on('disconnect', () => process.exit(0));
  process.send('ready');
} else {
  const plan: Load[] = JSON.parse(process.argv[2] ?? '[]');
  const results: LoadResult[] = [];
  for (const load of plan) results.push(await run(load));
  process.stdout.write(JSON.stringify(results));
}
