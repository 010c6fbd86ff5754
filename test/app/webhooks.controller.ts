import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { VerifiedWebhook, type RawBodyRequest } from '../../src/index.js';

/** One delivery that reached a handler. */
export interface Delivery {
  readonly provider: string;
  readonly body: unknown;
  readonly rawBody: string | undefined;
}

/** Records each request that reaches a handler, so tests can assert which did. */
export class DeliveryLog {
  readonly deliveries: Delivery[] = [];
}

@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly log: DeliveryLog) {}

  @Post('trophy')
  @HttpCode(200)
  @VerifiedWebhook('trophy')
  trophy(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('trophy', body, request);
  }

  @Post('fullup')
  @HttpCode(200)
  @VerifiedWebhook('fullup')
  fullup(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('fullup', body, request);
  }

  @Post('noyo')
  @HttpCode(200)
  @VerifiedWebhook('noyo')
  noyo(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('noyo', body, request);
  }

  @Post('signalwire')
  @HttpCode(200)
  @VerifiedWebhook('signalwire')
  signalwire(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('signalwire', body, request);
  }

  private record(provider: string, body: unknown, request: RawBodyRequest) {
    this.log.deliveries.push({ provider, body, rawBody: request.rawBody?.toString('utf8') });
    return { received: true };
  }
}

/** Every route of the controller verified by one class-level decorator. */
@Controller('class-level')
@VerifiedWebhook('fullup')
export class ClassLevelController {
  constructor(private readonly log: DeliveryLog) {}

  @Post()
  @HttpCode(200)
  handle(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'class-level', body, rawBody: undefined });
    return { received: true };
  }
}
