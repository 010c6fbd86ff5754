import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { Controller, HttpCode, Param, Post, Query, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { Calls } from './app/calls-app.js';

/*
 * Fastify's router, with `useSemicolonDelimiter`, ends the path at `;` and
 * reads the rest as the query. HubSpot signs `%3B` in a URL as `;`, so its
 * delivery to `/hs/acme%3Beu` (tenant `acme;eu`) could be re-sent to
 * `/hs/acme;eu` (tenant `acme`, query `eu`). Such a target path is refused,
 * as one with `%2F` or `%3F` is, so that it is replaced by one without.
 */
const SECRET = 'hubspot-client-secret';
const BODY = '[{"eventId":1,"subscriptionType":"contact.creation"}]';

@Controller()
class TenantController {
  constructor(private readonly calls: Calls) {}

  @Post('hs/:tenant')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  hubspot(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ tenant, query }));
  }
}

function call(port: number, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('HubSpot on Fastify with useSemicolonDelimiter', () => {
  let app: INestApplication;
  let calls: Calls;
  let port: number;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WebhookSecurityModule.forRoot({ providers: { hubspot: { secret: SECRET } } })],
      controllers: [TenantController],
      providers: [Calls],
    }).compile();
    // useSemicolonDelimiter is a find-my-way option that the router options type of this Fastify version does not list.
    app = moduleRef.createNestApplication(new FastifyAdapter({ routerOptions: { useSemicolonDelimiter: true } as object }), { rawBody: true, logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
    calls = app.get(Calls);
  });
  afterAll(() => app.close());

  it('refuses a delivery to a path with %3B, whose signature also fits the path with ;, which the router ends there', async () => {
    const timestamp = String(Date.now());
    // HubSpot decodes %3B before it signs: its signature of /hs/acme%3Beu is that of /hs/acme;eu.
    const signature = createHmac('sha256', SECRET).update(`POSThttp://127.0.0.1:${port}/hs/acme;eu${BODY}${timestamp}`).digest('base64');
    const headers = { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
    // As with %2F and %3F: the target URL does not verify, so that it is replaced by one without %3B in its path.
    expect(await call(port, '/hs/acme%3Beu', headers, BODY)).toBe(401);
    expect(calls.names).toEqual([]);
  });
});
