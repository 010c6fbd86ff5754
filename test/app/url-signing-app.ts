import type { Server } from 'node:http';
import { Body, Controller, HttpCode, Param, Post, Query, Req, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { VerifiedWebhook, WebhookSecurityModule, type RawBodyRequest, type WebhookSecurityModuleOptions } from '../../src/index.js';
import { CapturingLogger, type Adapter } from './create-app.js';

/** Secrets of the URL-signing app's providers. */
export const URL_SIGNING_SECRETS = {
  twilio: 'twilio-test-auth-token',
  signalwire: 'PSK_url_signing_test_key',
  fullup: 'fullup-url-signing-secret',
} as const;

/** Per-tenant secrets held in a plain object, looked up by a route param as many apps do. */
export const TENANT_SECRETS: Record<string, string> = { acme: 'acme-tenant-secret' };

/** One request that reached a handler: its route, the query and body the handler was given, and the raw bytes. */
export interface FormDelivery {
  readonly route: string;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  readonly rawBody: string | undefined;
}

/** What reached the handlers. */
export class FormLog {
  readonly deliveries: FormDelivery[] = [];
}

@Controller()
export class UrlSigningController {
  constructor(private readonly log: FormLog) {}

  @Post('forms/twilio')
  @HttpCode(200)
  @VerifiedWebhook('twilio')
  twilio(@Query() query: Record<string, unknown>, @Body() body: unknown, @Req() request: RawBodyRequest) {
    this.record('twilio', query, body, request);
  }

  @Post('forms/twilio-other')
  @HttpCode(200)
  @VerifiedWebhook('twilio')
  twilioOther(@Query() query: Record<string, unknown>, @Body() body: unknown, @Req() request: RawBodyRequest) {
    this.record('twilio-other', query, body, request);
  }

  @Post('forms/signalwire')
  @HttpCode(200)
  @VerifiedWebhook('signalwire')
  signalwire(@Query() query: Record<string, unknown>, @Body() body: unknown, @Req() request: RawBodyRequest) {
    this.record('signalwire', query, body, request);
  }

  @Post('forms/signalwire-other')
  @HttpCode(200)
  @VerifiedWebhook('signalwire')
  signalwireOther(@Query() query: Record<string, unknown>, @Body() body: unknown, @Req() request: RawBodyRequest) {
    this.record('signalwire-other', query, body, request);
  }

  @Post('forms/fullup')
  @HttpCode(200)
  @VerifiedWebhook('fullup')
  fullup(@Query() query: Record<string, unknown>, @Body() body: unknown, @Req() request: RawBodyRequest) {
    this.record('fullup', query, body, request);
  }

  @Post('tenants/:tenant/fullup')
  @HttpCode(200)
  @VerifiedWebhook('tenantFullup')
  tenant(@Param('tenant') tenant: string, @Body() body: unknown, @Req() request: RawBodyRequest) {
    this.record(`tenant:${tenant}`, {}, body, request);
  }

  private record(route: string, query: Record<string, unknown>, body: unknown, request: RawBodyRequest) {
    this.log.deliveries.push({ route, query: { ...query }, body, rawBody: request.rawBody?.toString('utf8') });
  }
}

export interface UrlSigningApp {
  readonly app: INestApplication;
  readonly port: number;
  readonly log: FormLog;
  readonly logger: CapturingLogger;
}

/**
 * A listening app on 127.0.0.1 with the schemes that sign the URL (Twilio,
 * SignalWire), one that does not (Fullup), and a per-tenant secret function.
 * `prepare` runs before the app listens, e.g. to add a middleware ahead of the routes.
 */
export async function startUrlSigningApp(
  adapter: Adapter,
  options: Omit<WebhookSecurityModuleOptions, 'providers'> = {},
  prepare?: (app: INestApplication) => void,
): Promise<UrlSigningApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      WebhookSecurityModule.forRoot({
        ...options,
        providers: {
          twilio: { secret: URL_SIGNING_SECRETS.twilio },
          signalwire: { secret: URL_SIGNING_SECRETS.signalwire },
          fullup: { secret: URL_SIGNING_SECRETS.fullup },
          tenantFullup: { scheme: 'fullup', secret: ({ params }) => TENANT_SECRETS[params.tenant ?? ''] },
        },
      }),
    ],
    controllers: [UrlSigningController],
    providers: [FormLog],
  }).compile();
  const logger = new CapturingLogger();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { rawBody: true, logger })
      : moduleRef.createNestApplication({ rawBody: true, logger });
  prepare?.(app);
  await app.listen(0, '127.0.0.1');
  const port = ((app.getHttpServer() as Server).address() as { port: number }).port;
  return { app, port, log: app.get(FormLog), logger };
}
