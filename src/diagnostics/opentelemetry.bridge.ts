import type * as OpenTelemetryApi from '@opentelemetry/api';
import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import { replayChannel, verifyChannel, type WebhookReplayMessage, type WebhookVerificationMessage } from './webhook-diagnostics.channels.js';

/** Instrumentation scope of every metric and span. */
const SCOPE = 'nestjs-webhook-security';

/**
 * Histogram buckets in seconds. A signature check takes tens of
 * microseconds; a secret lookup or a replay store call, milliseconds.
 */
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Where metrics and spans go, when not to the global providers of `@opentelemetry/api`. */
export interface WebhookTelemetryOptions {
  /**
   * A `MeterProvider` of the OpenTelemetry SDK.
   * @default the global one, as registered when telemetry is enabled
   */
  readonly meterProvider?: { getMeter(name: string): object };
  /**
   * A `TracerProvider` of the OpenTelemetry SDK.
   * @default the global one
   */
  readonly tracerProvider?: { getTracer(name: string): object };
}

/** Telemetry that is on; `disable()` stops it. */
export interface WebhookTelemetry {
  /** Stops recording. Calling it twice does nothing more. */
  disable(): void;
}

/**
 * Records every verification and replay decision with OpenTelemetry: the
 * metrics and spans listed in `docs/observability.md`. The library depends on
 * `@opentelemetry/api` only (an optional peer) and loads it here; an app
 * without an OpenTelemetry SDK records nothing.
 *
 * The module option `telemetry: true` calls it for you. Call it yourself to
 * give providers other than the global ones; call it once, after the SDK
 * has started, since metrics go to the `MeterProvider` registered then.
 *
 * @throws WebhookSecurityConfigurationError when `@opentelemetry/api` is not installed
 * @example
 * ```ts
 * const telemetry = await enableWebhookTelemetry({ meterProvider });
 * // on shutdown
 * telemetry.disable();
 * ```
 */
export async function enableWebhookTelemetry(options: WebhookTelemetryOptions = {}): Promise<WebhookTelemetry> {
  const api = await loadOpenTelemetryApi();
  if (!api) throw openTelemetryMissing();
  return new OpenTelemetryBridge(api, options).subscribe();
}

/** The bridge that the modules with `telemetry` on share, so that two apps in one process do not count twice. */
let shared: { bridge: OpenTelemetryBridge; users: number } | undefined;

/**
 * Turns on telemetry for the module option `telemetry`: with `true`, fails
 * when `@opentelemetry/api` is missing; with `'auto'`, gives `undefined`.
 * Modules share one bridge to the global providers; `disable()` of the last
 * one stops it.
 */
export async function acquireModuleTelemetry(mode: boolean | 'auto' | undefined): Promise<WebhookTelemetry | undefined> {
  if (!mode) return undefined;
  const api = await loadOpenTelemetryApi();
  if (!api) {
    if (mode === 'auto') return undefined;
    throw openTelemetryMissing();
  }
  shared ??= { bridge: new OpenTelemetryBridge(api, {}).subscribe(), users: 0 };
  const current = shared;
  current.users++;
  let released = false;
  return {
    disable: () => {
      if (released) return;
      released = true;
      if (--current.users > 0) return;
      if (shared === current) shared = undefined;
      current.bridge.disable();
    },
  };
}

/** `@opentelemetry/api`, or `undefined` when it is not installed. Works from the ESM and the CommonJS build. */
async function loadOpenTelemetryApi(): Promise<typeof OpenTelemetryApi | undefined> {
  try {
    // Node's ESM loader may give the CommonJS exports as `default` only.
    const loaded = (await import('@opentelemetry/api')) as typeof OpenTelemetryApi | { default: typeof OpenTelemetryApi };
    return 'metrics' in loaded ? loaded : loaded.default;
  } catch (error) {
    const code = (error as { code?: unknown } | undefined)?.code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(error).includes('@opentelemetry/api')) return undefined;
    throw error;
  }
}

function openTelemetryMissing(): WebhookSecurityConfigurationError {
  return new WebhookSecurityConfigurationError(
    'Webhook telemetry needs @opentelemetry/api, which is not installed. Run `npm install @opentelemetry/api` and start an OpenTelemetry SDK, ' +
      "or set telemetry: 'auto' to record only where it is installed.",
  );
}

/** Turns the channel messages into OpenTelemetry metrics and spans. */
class OpenTelemetryBridge implements WebhookTelemetry {
  private readonly tracer: OpenTelemetryApi.Tracer;
  private readonly verifications: OpenTelemetryApi.Counter;
  private readonly verificationDuration: OpenTelemetryApi.Histogram;
  private readonly replayDecisions: OpenTelemetryApi.Counter;
  private readonly storeDuration: OpenTelemetryApi.Histogram;
  /** The span of each verification in progress. */
  private readonly spans = new WeakMap<WebhookVerificationMessage, OpenTelemetryApi.Span>();
  private subscribed = false;

  constructor(
    private readonly api: typeof OpenTelemetryApi,
    options: WebhookTelemetryOptions,
  ) {
    const meter = ((options.meterProvider as OpenTelemetryApi.MeterProvider | undefined) ?? api.metrics).getMeter(SCOPE);
    this.tracer = ((options.tracerProvider as OpenTelemetryApi.TracerProvider | undefined) ?? api.trace).getTracer(SCOPE);
    const advice = { explicitBucketBoundaries: DURATION_BUCKETS };
    this.verifications = meter.createCounter('webhook.verifications', {
      description: 'Webhook requests whose signature the guard checked, by outcome.',
      unit: '{verification}',
    });
    this.verificationDuration = meter.createHistogram('webhook.verification.duration', {
      description: 'Duration of webhook verification: body read, secret lookup and signature check.',
      unit: 's',
      advice,
    });
    this.replayDecisions = meter.createCounter('webhook.replay.decisions', {
      description: 'Replay protection decisions on verified webhook deliveries.',
      unit: '{decision}',
    });
    this.storeDuration = meter.createHistogram('webhook.replay.store.duration', {
      description: 'Duration of replay store calls.',
      unit: 's',
      advice,
    });
  }

  subscribe(): this {
    if (!this.subscribed) {
      verifyChannel.start.subscribe(this.onStart);
      verifyChannel.asyncEnd.subscribe(this.onEnd);
      replayChannel.subscribe(this.onReplay);
      this.subscribed = true;
    }
    return this;
  }

  disable(): void {
    if (!this.subscribed) return;
    verifyChannel.start.unsubscribe(this.onStart);
    verifyChannel.asyncEnd.unsubscribe(this.onEnd);
    replayChannel.unsubscribe(this.onReplay);
    this.subscribed = false;
  }

  /** Starts `webhook.verify {provider}` as a child of the active span, the HTTP server span. */
  private readonly onStart = (message: unknown): void => {
    const { provider, scheme, method, route } = message as WebhookVerificationMessage;
    const span = this.tracer.startSpan(`webhook.verify ${provider}`, {
      kind: this.api.SpanKind.INTERNAL,
      attributes: { 'webhook.provider': provider, 'webhook.scheme': scheme, 'http.request.method': method, 'http.route': route },
    });
    this.spans.set(message as WebhookVerificationMessage, span);
  };

  /** Records the verification's metrics and ends its span. */
  private readonly onEnd = (message: unknown): void => {
    const verification = message as WebhookVerificationMessage;
    const { provider, method, route, outcome = 'error', reason, errorType, durationMs, bodyBytes } = verification;
    const errorTypeAttribute = reason ?? errorType;
    const attributes: OpenTelemetryApi.Attributes = {
      'webhook.provider': provider,
      'webhook.outcome': outcome,
      'http.request.method': method,
      'http.route': route,
      ...(errorTypeAttribute === undefined ? {} : { 'error.type': errorTypeAttribute }),
    };
    this.verifications.add(1, attributes);
    if (durationMs !== undefined) this.verificationDuration.record(durationMs / 1000, attributes);

    const span = this.spans.get(verification);
    if (!span) return;
    this.spans.delete(verification);
    span.setAttributes({
      'webhook.outcome': outcome,
      ...(errorTypeAttribute === undefined ? {} : { 'error.type': errorTypeAttribute }),
      ...(bodyBytes === undefined ? {} : { 'webhook.body.size': bodyBytes }),
    });
    // A rejection is the guard doing its job, like a 4xx on an HTTP server span; only a failure to decide is an error.
    if (outcome === 'error') span.setStatus({ code: this.api.SpanStatusCode.ERROR });
    span.end();
  };

  /** Counts a replay decision, records the store call's duration, and adds an event to the active span. */
  private readonly onReplay = (message: unknown): void => {
    const { provider, route, decision, operation, storeDurationMs, errorType } = message as WebhookReplayMessage;
    const error = errorType === undefined ? {} : { 'error.type': errorType };
    this.replayDecisions.add(1, { 'webhook.provider': provider, 'webhook.replay.decision': decision, 'http.route': route, ...error });
    if (storeDurationMs !== undefined && operation !== undefined) {
      this.storeDuration.record(storeDurationMs / 1000, {
        'webhook.provider': provider,
        'webhook.replay.operation': operation,
        'webhook.replay.decision': decision,
        ...error,
      });
    }
    this.api.trace.getActiveSpan()?.addEvent('webhook.replay', { 'webhook.provider': provider, 'webhook.replay.decision': decision });
  };
}
