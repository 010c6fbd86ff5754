import { Body, Controller, HttpCode, Injectable, Post, Req, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, Server } from 'node:http';
import request from 'supertest';
import { OnWebhookEvent, VerifiedWebhook, WebhookSecurityModule } from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { ADAPTERS, createApp, type Adapter, type TestApp } from '../app/create-app.js';

const SECRET = 'whsec_unparsed_dispatch';
const DISPATCH_PATH = '/unparsed/stripe';
/** The test of `docs/events.md`: the whole path, without the query string. */
const dispatchOnly = (url = '') => url.split('?')[0] === DISPATCH_PATH;

/** What the handler and the routes were given. */
const seen: { events: unknown[]; routeBodies: unknown[] } = { events: [], routeBodies: [] };

@Controller('unparsed')
class UnparsedController {
  /** A dispatching route: it reads no body, so the app's JSON parser skips it. */
  @Post('stripe')
  @VerifiedWebhook('stripe', { dispatch: true })
  stripe(@Req() req: { body?: unknown }) {
    seen.routeBodies.push(req.body);
  }

  /** Any other JSON route still gets its parsed body, one whose path starts with the dispatching one's among them. */
  @Post(['echo', 'stripe-echo'])
  @HttpCode(200)
  echo(@Body() body: unknown) {
    return body;
  }
}

@Injectable()
class InvoiceHandlers {
  @OnWebhookEvent('stripe', 'invoice.paid')
  paid(event: unknown) {
    seen.events.push(event);
  }
}

/**
 * The setup `docs/events.md` gives for dispatching routes: the app's JSON
 * parser skips them, so the signed bytes are parsed once, by the dispatch.
 */
function skipJsonParsingOnDispatch(adapter: Adapter) {
  return (app: INestApplication) => {
    if (adapter === 'express') {
      (app as NestExpressApplication).useBodyParser('json', {
        type: (req: IncomingMessage) => !dispatchOnly(req.url) && /^application\/json\b/i.test(req.headers['content-type'] ?? ''),
      });
    } else {
      const fastify = app as NestFastifyApplication;
      const json = fastify.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
      fastify.useBodyParser<Server>('application/json', {}, (req, body, done) =>
        dispatchOnly(req.url) ? done(null, undefined) : json(req, body.toString('utf8'), done),
      );
    }
  };
}

describe.each(ADAPTERS)('A dispatching route the app does not parse JSON for (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: { stripe: { scheme: 'stripe', secret: SECRET } } }), {
      adapter,
      controllers: [UnparsedController],
      providers: [InvoiceHandlers],
      beforeInit: skipJsonParsingOnDispatch(adapter),
    });
  });
  afterAll(() => t.app.close());
  beforeEach(() => {
    seen.events.length = 0;
    seen.routeBodies.length = 0;
  });

  it('verifies the bytes and dispatches the event parsed from them, the app having parsed nothing', async () => {
    const event = { id: 'evt_unparsed_1', type: 'invoice.paid', data: { object: { id: 'in_unparsed' } } };
    const { body, headers } = signWebhook('stripe', { secret: SECRET, event });
    await request(t.app.getHttpServer()).post(`${DISPATCH_PATH}?from=test`).set('content-type', 'application/json').set(headers).send(body).expect(200);
    expect(seen.events).toEqual([event]);
    expect(seen.routeBodies).toEqual([undefined]);
  });

  it('answers 401 to a body changed after signing, and runs no handler', async () => {
    const event = { id: 'evt_unparsed_2', type: 'invoice.paid', data: { object: { id: 'in_unparsed' } } };
    const { body, headers } = signWebhook('stripe', { secret: SECRET, event });
    const forged = body.replace('in_unparsed', 'in_forged');
    await request(t.app.getHttpServer()).post(DISPATCH_PATH).set('content-type', 'application/json').set(headers).send(forged).expect(401);
    expect(seen.events).toEqual([]);
  });

  it('still parses JSON for the app’s other routes, and answers 400 to JSON that does not parse', async () => {
    await request(t.app.getHttpServer())
      .post('/unparsed/echo')
      .set('content-type', 'application/json')
      .send('{"a":[1,2]}')
      .expect(200, { a: [1, 2] });
    await request(t.app.getHttpServer()).post('/unparsed/echo').set('content-type', 'application/json').send('{"a":').expect(400);
  });
});
