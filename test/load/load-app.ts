import { Body, Controller, HttpCode, Inject, Post, type INestApplication, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { VerifiedWebhook, WebhookSecurityModule } from '../../src/index.js';

/**
 * How many times a handler ran for each request number. Allocated before the
 * run, so that counting adds nothing to the memory measured after it.
 */
export class HandlerRuns {
  readonly byRequest: Uint8Array;
  /** Runs whose body carried no request number this run sent. */
  unknown = 0;

  constructor(requests: number) {
    this.byRequest = new Uint8Array(requests);
  }

  record(body: { id?: unknown } | undefined): void {
    const match = /^load-(\d+)$/.exec(String(body?.id));
    const index = match ? Number(match[1]) : -1;
    if (index >= 0 && index < this.byRequest.length) this.byRequest[index]! += 1;
    else this.unknown += 1;
  }
}

/** A controller at `POST /load/<provider>` verified by that provider. */
function loadController(provider: string): Type {
  @Controller(`load/${provider}`)
  class LoadController {
    constructor(@Inject(HandlerRuns) private readonly runs: HandlerRuns) {}

    @Post()
    @HttpCode(204)
    @VerifiedWebhook(provider)
    handle(@Body() body: { id?: unknown }): void {
      this.runs.record(body);
    }
  }
  return LoadController;
}

/**
 * A silent app with one verified route per provider, listening on 127.0.0.1
 * on a free port, counting handler runs for request numbers below `requests`.
 */
export async function startLoadApp(secrets: Record<string, string>, requests: number): Promise<{ app: INestApplication; runs: HandlerRuns; port: number }> {
  const providers = Object.fromEntries(Object.entries(secrets).map(([name, secret]) => [name, { secret }]));
  const moduleRef = await Test.createTestingModule({
    imports: [WebhookSecurityModule.forRoot({ providers })],
    controllers: Object.keys(secrets).map(loadController),
    providers: [{ provide: HandlerRuns, useValue: new HandlerRuns(requests) }],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, runs: app.get(HandlerRuns), port: (app.getHttpServer().address() as { port: number }).port };
}
