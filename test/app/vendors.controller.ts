import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { VerifiedWebhook, type RawBodyRequest } from '../../src/index.js';
import { DeliveryLog } from './webhooks.controller.js';

/** One route per vendor added after the seed vendors, each verified by its built-in scheme. */
@Controller('vendors')
export class VendorsController {
  constructor(private readonly log: DeliveryLog) {}

  @Post('stripe')
  @HttpCode(200)
  @VerifiedWebhook('stripe')
  stripe(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('stripe', body, request);
  }

  @Post('github')
  @HttpCode(200)
  @VerifiedWebhook('github')
  github(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('github', body, request);
  }

  @Post('slack')
  @HttpCode(200)
  @VerifiedWebhook('slack')
  slack(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('slack', body, request);
  }

  @Post('shopify')
  @HttpCode(200)
  @VerifiedWebhook('shopify')
  shopify(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('shopify', body, request);
  }

  @Post('twilio')
  @HttpCode(200)
  @VerifiedWebhook('twilio')
  twilio(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('twilio', body, request);
  }

  @Post('standardwebhooks')
  @HttpCode(200)
  @VerifiedWebhook('standardwebhooks')
  standardWebhooks(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('standardwebhooks', body, request);
  }

  @Post('svix')
  @HttpCode(200)
  @VerifiedWebhook('svix')
  svix(@Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record('svix', body, request);
  }

  /** A second Stripe account, verified by the same scheme under another name. */
  @Post('stripe-connect/:account')
  @HttpCode(200)
  @VerifiedWebhook('stripeConnect')
  stripeConnect(@Param('account') account: string, @Body() body: unknown, @Req() request: RawBodyRequest) {
    return this.record(`stripeConnect:${account}`, body, request);
  }

  private record(provider: string, body: unknown, request: RawBodyRequest) {
    this.log.deliveries.push({ provider, body, rawBody: request.rawBody?.toString('utf8') });
    return { received: true };
  }
}
