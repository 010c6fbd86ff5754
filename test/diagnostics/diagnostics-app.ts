import { Body, Controller, HttpCode, Post, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import request from 'supertest';
import { VerifiedWebhook, WebhookSecurityModule, type ReplayStore, type WebhookSecurityModuleOptions } from '../../src/index.js';
import { CapturingLogger, type Adapter } from '../app/create-app.js';

/** Secrets of the diagnostics app; none may appear in a published message. */
export const DIAGNOSTICS_SECRETS = {
  stripe: 'whsec_diagnostics_stripe_secret',
  standard: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  /** A well-formed secret that is not the configured one. */
  forger: `whsec_${Buffer.from('the forger has the wrong secret!').toString('base64')}`,
} as const;

/** A store that is always down. */
class UnreachableStore implements ReplayStore {
  async claim(): Promise<boolean> {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  }
  async release(): Promise<void> {}
}

const failedOnce = new Set<string>();

@Controller()
class DiagnosticsController {
  /** A route with a tenant in its path: metrics must carry the pattern, not the tenant. */
  @Post('tenants/:tenant/stripe')
  @HttpCode(200)
  @VerifiedWebhook('stripe')
  stripe() {
    return { ok: true };
  }

  /** Throws on the first attempt of a body with `failOnce`, so that its claim is released. */
  @Post('webhooks/standard')
  @HttpCode(200)
  @VerifiedWebhook('standard')
  standard(@Body() body: { id: string; failOnce?: boolean }) {
    if (body.failOnce && !failedOnce.has(body.id)) {
      failedOnce.add(body.id);
      throw new Error('handler failed once');
    }
    return { ok: true };
  }

  @Post('webhooks/store-down')
  @HttpCode(200)
  @VerifiedWebhook('storeDown')
  storeDown() {
    return { ok: true };
  }

  @Post('webhooks/lookup-fails')
  @HttpCode(200)
  @VerifiedWebhook('lookupFails')
  lookupFails() {
    return { ok: true };
  }
}

/** The module options of the diagnostics app, plus `extra` (e.g. `telemetry`). */
export function diagnosticsOptions(extra: Partial<WebhookSecurityModuleOptions> = {}): WebhookSecurityModuleOptions {
  return {
    replay: {},
    providers: {
      stripe: { secret: DIAGNOSTICS_SECRETS.stripe },
      standard: { scheme: 'standardwebhooks', secret: DIAGNOSTICS_SECRETS.standard },
      storeDown: { scheme: 'standardwebhooks', secret: DIAGNOSTICS_SECRETS.standard, replay: { store: new UnreachableStore(), failOpen: true } },
      lookupFails: {
        scheme: 'fullup',
        secret: () => {
          throw new Error('tenant database unreachable');
        },
      },
    },
    ...extra,
  };
}

/** An app with the diagnostics controller, initialised (not listening: supertest binds it to 127.0.0.1). */
export async function createDiagnosticsApp(
  options: WebhookSecurityModuleOptions,
  adapter: Adapter = 'express',
  beforeInit?: (app: INestApplication) => void,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [WebhookSecurityModule.forRoot(options)],
    controllers: [DiagnosticsController],
  }).compile();
  const logger = new CapturingLogger();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { rawBody: true, logger })
      : moduleRef.createNestApplication({ rawBody: true, logger });
  beforeInit?.(app);
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** One delivery of the mix, and what the library must make of it. */
export interface Delivery {
  readonly label: string;
  readonly provider: string;
  readonly path: string;
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly status: number;
  /** `outcome reason-or-error-type` as published on the verify channel. */
  readonly verification: string;
  /** Replay decisions published for it, in order. */
  readonly replay: readonly string[];
}

/**
 * The known mix: valid, duplicate, forged, stale, unsigned and failing
 * deliveries. Stripe headers come from Stripe's own SDK
 * (`Stripe.webhooks.generateTestHeaderString`), Standard Webhooks headers
 * from the `standardwebhooks` reference SDK (`Webhook#sign`).
 */
export function deliveryMix(): Delivery[] {
  const now = Math.floor(Date.now() / 1000);
  const run = `${process.pid}_${Date.now()}`;
  const stripeBody = (id: string) => JSON.stringify({ id, object: 'event', type: 'invoice.paid' });
  const stripeHeaders = (body: string, secret: string = DIAGNOSTICS_SECRETS.stripe, timestamp = now) => ({
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }),
  });
  const standardHeaders = (id: string, body: string, secret: string = DIAGNOSTICS_SECRETS.standard) => ({
    'webhook-id': id,
    'webhook-timestamp': String(now),
    'webhook-signature': new Webhook(secret).sign(id, new Date(now * 1000), body),
  });

  const evtA = stripeBody(`evt_A_${run}`);
  const evtB = stripeBody(`evt_B_${run}`);
  const evtC = stripeBody(`evt_C_${run}`);
  const msg1 = JSON.stringify({ id: `msg_1_${run}` });
  const msg2 = JSON.stringify({ id: `msg_2_${run}`, failOnce: true });
  const msg3 = JSON.stringify({ id: `msg_3_${run}` });
  const stripe = (
    label: string,
    tenant: string,
    body: string,
    headers: Record<string, string>,
    status: number,
    verification: string,
    replay: string[] = [],
  ) => ({ label, provider: 'stripe', path: `/tenants/${tenant}/stripe?attempt=1`, body, headers, status, verification, replay });
  const standard = (
    label: string,
    provider: string,
    path: string,
    id: string,
    body: string,
    status: number,
    verification: string,
    replay: string[],
    secret?: string,
  ) => ({ label, provider, path, body, headers: standardHeaders(id, body, secret), status, verification, replay });

  return [
    stripe('valid A', 'acme', evtA, stripeHeaders(evtA), 200, 'verified', ['claimed']),
    stripe('valid B', 'globex', evtB, stripeHeaders(evtB), 200, 'verified', ['claimed']),
    stripe('duplicate of A, re-signed', 'acme', evtA, stripeHeaders(evtA, DIAGNOSTICS_SECRETS.stripe, now - 1), 200, 'verified', ['duplicate']),
    stripe('forged', 'acme', evtC, stripeHeaders(evtC, DIAGNOSTICS_SECRETS.forger), 401, 'rejected no_matching_signature'),
    stripe('forged again', 'globex', evtC, stripeHeaders(evtC, DIAGNOSTICS_SECRETS.forger), 401, 'rejected no_matching_signature'),
    stripe('stale', 'acme', evtC, stripeHeaders(evtC, DIAGNOSTICS_SECRETS.stripe, now - 600), 401, 'rejected timestamp_out_of_tolerance'),
    stripe('unsigned', 'acme', evtC, {}, 401, 'rejected missing_header'),
    standard('valid 1', 'standard', '/webhooks/standard', `msg_1_${run}`, msg1, 200, 'verified', ['claimed']),
    standard('duplicate of 1', 'standard', '/webhooks/standard', `msg_1_${run}`, msg1, 200, 'verified', ['duplicate']),
    standard('forged', 'standard', '/webhooks/standard', `msg_1_${run}`, msg1, 401, 'rejected no_matching_signature', [], DIAGNOSTICS_SECRETS.forger),
    standard('handler fails', 'standard', '/webhooks/standard', `msg_2_${run}`, msg2, 500, 'verified', ['claimed', 'released']),
    standard('retry after the failure', 'standard', '/webhooks/standard', `msg_2_${run}`, msg2, 200, 'verified', ['claimed']),
    standard('store down, fail open', 'storeDown', '/webhooks/store-down', `msg_3_${run}`, msg3, 200, 'verified', ['store_error']),
    {
      label: 'secret lookup fails',
      provider: 'lookupFails',
      path: '/webhooks/lookup-fails',
      body: msg3,
      headers: { 'fullup-signature': 'ab'.repeat(32) },
      status: 503,
      verification: 'error ServiceUnavailableException',
      replay: [],
    },
  ];
}

/** Sends every delivery in order over HTTP and checks each status. */
export async function sendMix(app: INestApplication, mix: readonly Delivery[]): Promise<void> {
  for (const delivery of mix) {
    const response = await request(app.getHttpServer())
      .post(delivery.path)
      .set({ 'content-type': 'application/json', ...delivery.headers })
      .send(delivery.body);
    expect({ label: delivery.label, status: response.status }).toEqual({ label: delivery.label, status: delivery.status });
  }
}

/**
 * Every string of the mix that must never be published: secrets (also the
 * base64 part of `whsec_`), signature header values and their signatures,
 * delivery ids, and the tenant segments of paths.
 */
export function sensitiveStrings(mix: readonly Delivery[]): string[] {
  const strings = new Set<string>(['acme', 'globex']);
  for (const secret of Object.values(DIAGNOSTICS_SECRETS)) strings.add(secret).add(secret.replace(/^whsec_/, ''));
  for (const { headers, body } of mix) {
    for (const [name, value] of Object.entries(headers)) {
      if (name === 'webhook-timestamp') continue;
      strings.add(value);
      for (const part of value.split(/[ ,=]/)) if (part.length >= 16) strings.add(part);
    }
    strings.add((JSON.parse(body) as { id: string }).id);
  }
  return [...strings];
}
