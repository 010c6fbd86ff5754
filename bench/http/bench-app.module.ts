import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule } from '../../src/index.js';

/** The secret of the benchmark app's verified route. */
export const HTTP_SECRET = 'bench-http-secret-0123456789';

/** The scheme of the verified route. */
export const HTTP_SCHEME = 'fullup';

/** The two routes under load. Same handler, same body parsing; only the guard differs. */
export const ROUTES = { unguarded: '/webhooks/unguarded', guarded: '/webhooks/guarded' } as const;

/** Name of a route under load. */
export type Route = keyof typeof ROUTES;

@Controller('webhooks')
export class BenchController {
  @Post('unguarded')
  @HttpCode(200)
  unguarded(@Body() _event: unknown) {
    return { received: true };
  }

  @Post('guarded')
  @HttpCode(200)
  @VerifiedWebhook(HTTP_SCHEME)
  guarded(@Body() _event: unknown) {
    return { received: true };
  }
}

@Module({
  imports: [WebhookSecurityModule.forRoot({ providers: { [HTTP_SCHEME]: { secret: HTTP_SECRET } } })],
  controllers: [BenchController],
})
export class BenchAppModule {}
