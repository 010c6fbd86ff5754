import diagnosticsChannel from 'node:diagnostics_channel';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { WebhookReplayMessage, WebhookVerificationMessage } from '../../src/index.js';
import { ADAPTERS } from '../app/create-app.js';
import { createDiagnosticsApp, deliveryMix, diagnosticsOptions, sendMix, sensitiveStrings } from './diagnostics-app.js';

const verify = diagnosticsChannel.tracingChannel<unknown, WebhookVerificationMessage>('nestjs-webhook-security:verify');
const replay = diagnosticsChannel.channel('nestjs-webhook-security:replay');

/** What a plain subscriber sees: every event of the verify tracing channel and every replay message. */
class Recorder {
  readonly events: { event: string; message: WebhookVerificationMessage; snapshot: string }[] = [];
  readonly replays: WebhookReplayMessage[] = [];
  private readonly handlers = {
    start: (message: unknown) => this.record('start', message),
    end: (message: unknown) => this.record('end', message),
    asyncStart: (message: unknown) => this.record('asyncStart', message),
    asyncEnd: (message: unknown) => this.record('asyncEnd', message),
    error: (message: unknown) => this.record('error', message),
  };
  private readonly onReplay = (message: unknown) => this.replays.push(message as WebhookReplayMessage);

  subscribe(): this {
    verify.subscribe(this.handlers);
    replay.subscribe(this.onReplay);
    return this;
  }

  unsubscribe(): void {
    verify.unsubscribe(this.handlers);
    replay.unsubscribe(this.onReplay);
  }

  /** The verifications that ended, in order. */
  ended(): WebhookVerificationMessage[] {
    return this.events.filter(({ event }) => event === 'asyncEnd').map(({ message }) => message);
  }

  private record(event: string, message: unknown): void {
    // A snapshot per event, as a subscriber that serialises each one would see it.
    this.events.push({ event, message: message as WebhookVerificationMessage, snapshot: JSON.stringify(message) });
  }
}

describe.each(ADAPTERS)('diagnostics_channel on %s', (adapter) => {
  let app: INestApplication;
  let recorder: Recorder;
  afterEach(async () => {
    recorder?.unsubscribe();
    await app?.close();
  });

  it('publishes one verification per delivery, with outcome, reason, route pattern, body size and duration', async () => {
    recorder = new Recorder().subscribe();
    app = await createDiagnosticsApp(diagnosticsOptions(), adapter);
    const mix = deliveryMix();
    await sendMix(app, mix);

    const ended = recorder.ended();
    expect(ended.map(({ provider, outcome, reason, errorType }) => [provider, [outcome, reason ?? errorType].filter(Boolean).join(' ')])).toEqual(
      mix.map(({ provider, verification }) => [provider, verification]),
    );
    ended.forEach((message, index) => {
      const delivery = mix[index]!;
      expect(message).toMatchObject({ method: 'POST', route: delivery.path.startsWith('/tenants/') ? '/tenants/:tenant/stripe' : delivery.path });
      expect(message.durationMs).toBeGreaterThan(0);
      expect(message.bodyBytes).toBe(Buffer.byteLength(delivery.body));
    });
    expect(ended.map(({ scheme }) => scheme)).toEqual(mix.map(({ provider }) => ({ stripe: 'stripe', lookupFails: 'fullup' })[provider] ?? 'standardwebhooks'));

    // start, end and asyncStart, asyncEnd for each of the 14; error for the 5 rejected, the failed lookup,
    // and the 2 duplicates, which the guard answers by throwing after their signatures verified.
    const count = (event: string) => recorder.events.filter((seen) => seen.event === event).length;
    expect([count('start'), count('end'), count('asyncStart'), count('asyncEnd'), count('error')]).toEqual([14, 14, 14, 14, 8]);
    for (const { event, message } of recorder.events.filter(({ event }) => event === 'error')) {
      expect(message.error).toBeInstanceOf(Error);
      expect(event).toBe('error');
    }
    // The outcome is not known when the verification starts.
    expect(recorder.events.filter(({ event }) => event === 'start').every(({ snapshot }) => !snapshot.includes('outcome'))).toBe(true);
  });

  it('publishes every replay decision: claimed, duplicate, released, store_error', async () => {
    recorder = new Recorder().subscribe();
    app = await createDiagnosticsApp(diagnosticsOptions(), adapter);
    const mix = deliveryMix();
    await sendMix(app, mix);

    expect(recorder.replays.map(({ provider, decision }) => `${provider} ${decision}`)).toEqual(
      mix.flatMap(({ provider, replay }) => replay.map((decision) => `${provider} ${decision}`)),
    );
    for (const message of recorder.replays) {
      expect(message).toMatchObject({ method: 'POST', hasDeliveryId: true, operation: message.decision === 'released' ? 'release' : 'claim' });
      expect(message.storeDurationMs).toBeGreaterThanOrEqual(0);
    }
    expect(recorder.replays.find(({ decision }) => decision === 'store_error')).toMatchObject({
      provider: 'storeDown',
      route: '/webhooks/store-down',
      failOpen: true,
      errorType: 'Error',
    });
  });

  it('never publishes a secret, a signature, a delivery id or a tenant of the path', async () => {
    recorder = new Recorder().subscribe();
    app = await createDiagnosticsApp(diagnosticsOptions(), adapter);
    const mix = deliveryMix();
    await sendMix(app, mix);

    const published = [
      ...recorder.events.map(({ snapshot }) => snapshot),
      ...recorder.events.map(({ message }) => JSON.stringify(message)),
      ...recorder.events.map(({ message }) => (message.error instanceof Error ? `${message.error.message} ${message.error.stack}` : '')),
      ...recorder.replays.map((message) => JSON.stringify(message)),
    ].join('\n');
    expect(recorder.events.length).toBeGreaterThan(50);
    const sensitive = sensitiveStrings(mix);
    expect(sensitive.length).toBeGreaterThan(30);
    for (const value of sensitive) expect({ value, published: published.includes(value) }).toEqual({ value, published: false });
  });

  it('publishes nothing and answers the same when nobody subscribes', async () => {
    app = await createDiagnosticsApp(diagnosticsOptions(), adapter);
    expect(verify.hasSubscribers || replay.hasSubscribers).toBe(false);
    await sendMix(app, deliveryMix());

    // A subscriber that joins later sees only what comes after.
    recorder = new Recorder().subscribe();
    await request(app.getHttpServer()).post('/webhooks/standard').set('content-type', 'application/json').send('{}').expect(401);
    expect(recorder.ended().map(({ outcome, reason }) => `${outcome} ${reason}`)).toEqual(['rejected missing_header']);
  });
});
