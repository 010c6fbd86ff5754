import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, HttpCode, Param, Post, Query, Req, type INestApplication, type Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { VerifiedWebhook, WebhookSecurityModule, type RawBodyRequest, type WebhookSecurityModuleOptions } from '../../src/index.js';
import { CapturingLogger, type Adapter } from './create-app.js';

/** What a handler received: its route, and what `@Param()`, `@Query()`, `@Body()` and `req.rawBody` gave it. */
export interface HandlerView {
  readonly route: string;
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  /** `req.rawBody` as hex, or `null` when the handler had none. */
  readonly rawBody: string | null;
}

/** The views handlers recorded, in the order they ran. */
export class HandlerViews {
  readonly views: HandlerView[] = [];
}

/** The two routes of each provider: `/hooks/<provider>/:tenant` and `/hooks/<provider>/:tenant/copy`. */
export const routesOf = (provider: string) => [`/hooks/${provider}/`, `/hooks/${provider}/copy/`] as const;

/** Plain data, as a handler would copy it: null prototypes and `undefined` fields gone. */
const plain = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * A controller with two `@VerifiedWebhook(provider)` routes per provider whose
 * handlers record everything they receive into {@link HandlerViews}.
 */
function recordingController(providers: readonly string[]): Type {
  @Controller('hooks')
  class RecordingController {
    constructor(readonly views: HandlerViews) {}
  }
  const prototype = RecordingController.prototype as unknown as Record<string, unknown>;
  for (const provider of providers) {
    for (const [key, path] of [
      [provider, `${provider}/:tenant`],
      [`${provider} copy`, `${provider}/copy/:tenant`],
    ] as const) {
      prototype[key] = function (this: RecordingController, params: unknown, query: unknown, body: unknown, request: RawBodyRequest) {
        this.views.views.push({
          route: key,
          params: plain(params),
          query: plain(query),
          body: plain(body),
          rawBody: request.rawBody?.toString('hex') ?? null,
        });
        return { received: true };
      };
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
      Param()(prototype, key, 0);
      Query()(prototype, key, 1);
      Body()(prototype, key, 2);
      Req()(prototype, key, 3);
      for (const decorate of [Post(path), HttpCode(200), VerifiedWebhook(provider)]) decorate(prototype, key, descriptor);
    }
  }
  Reflect.defineMetadata('design:paramtypes', [HandlerViews], RecordingController);
  return RecordingController;
}

/** A recording app listening on 127.0.0.1. */
export interface RecordingApp {
  readonly app: INestApplication;
  readonly port: number;
  readonly views: HandlerViews;
}

/**
 * A Nest app on `adapter` with Nest's default body parsers and `rawBody: true`,
 * the given providers, and two recording routes per provider.
 */
export async function startRecordingApp(adapter: Adapter, providers: WebhookSecurityModuleOptions['providers']): Promise<RecordingApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [WebhookSecurityModule.forRoot({ providers })],
    controllers: [recordingController(Object.keys(providers))],
    providers: [HandlerViews],
  }).compile();
  const logger = new CapturingLogger();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { rawBody: true, logger })
      : moduleRef.createNestApplication({ rawBody: true, logger });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  return { app, port: (server.address() as AddressInfo).port, views: app.get(HandlerViews) };
}
