import { Controller, HttpCode, Inject, Post, Req, type Type } from '@nestjs/common';
import request from 'supertest';
import { VerifiedWebhook, WebhookSecurityModule, type RawBodyRequest } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../src/verifiers/built-in-verifiers.js';
import { isTokenScheme } from '../src/verifiers/described-verifier.js';
import type { WebhookVerifier } from '../src/verifiers/webhook-verifier.interface.js';
import { BUILT_IN_SCHEMES } from '../src/verifiers/schemes/index.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { DeliveryLog } from './app/webhooks.controller.js';
import { OWN_PROPERTY_TESTS } from './property/scheme-descriptions.js';

/**
 * Every built-in scheme in the registry, end to end: signed with
 * `signWebhook`, sent to a route guarded by `@VerifiedWebhook`, on Express and
 * on Fastify. A scheme added to the registry is covered without a line here.
 */
// Public-key and body-field schemes sign with keys a test must make for itself: test/handshakes.e2e-spec.ts and their specs.
const SCHEMES = (Object.keys(BUILT_IN_VERIFIERS) as BuiltInScheme[]).filter((scheme) => !Object.hasOwn(OWN_PROPERTY_TESTS, scheme));

// A form body, which every scheme can sign (the form-post schemes need one) and every adapter parses.
const BODY = 'id=evt_1&type=ping&name=Zo%C3%AB';
/** For schemes whose senders only send JSON (`body: 'json'`). */
const JSON_BODY = '{"id":"evt_1","type":"ping","name":"Zo\u00eb"}';
const jsonOnly = (scheme: BuiltInScheme) =>
  Object.hasOwn(BUILT_IN_SCHEMES, scheme) && (BUILT_IN_SCHEMES[scheme as keyof typeof BUILT_IN_SCHEMES] as { body?: string }).body === 'json';
const bodyOf = (scheme: BuiltInScheme) => (jsonOnly(scheme) ? JSON_BODY : BODY);
const KEY = Buffer.from('sender-e2e-key-bytes').toString('base64');
/** Secrets in the formats schemes ask for; each scheme gets the first its `checkSecret` accepts. */
const SECRET_FORMATS = ['sender-e2e-secret', `whsec_${KEY}`, `v1,whsec_${KEY}`, 'sender:e2e-secret'];

function secretFor(scheme: BuiltInScheme): string {
  const verifier: WebhookVerifier = new BUILT_IN_VERIFIERS[scheme]();
  const secret = SECRET_FORMATS.find((candidate) => verifier.checkSecret?.(candidate) === undefined);
  if (secret === undefined) throw new Error(`No test secret suits the '${scheme}' scheme: add its format to SECRET_FORMATS.`);
  return secret;
}

/** True for a scheme whose credential does not cover the body (a token sent as is). */
const signsBody = (scheme: BuiltInScheme) =>
  !(Object.hasOwn(BUILT_IN_SCHEMES, scheme) && isTokenScheme(BUILT_IN_SCHEMES[scheme as keyof typeof BUILT_IN_SCHEMES]));

/** A controller with one route, `POST /senders/<scheme>`, verified by that scheme. */
function senderController(scheme: BuiltInScheme): Type {
  @Controller(`senders/${scheme}`)
  class SenderController {
    constructor(@Inject(DeliveryLog) private readonly log: DeliveryLog) {}

    @Post()
    @HttpCode(200)
    @VerifiedWebhook(scheme)
    receive(@Req() request: RawBodyRequest) {
      this.log.deliveries.push({ provider: scheme, body: undefined, rawBody: request.rawBody?.toString('utf8') ?? '' });
      return { received: true };
    }
  }
  return SenderController;
}

const providers = Object.fromEntries(SCHEMES.map((scheme) => [scheme, { secret: secretFor(scheme) }]));

describe.each(ADAPTERS)('every built-in sender on %s', (adapter) => {
  let t: TestApp;
  let origin: string;

  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers }), { adapter, controllers: SCHEMES.map(senderController) });
    await t.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(() => t.app.close());
  beforeEach(() => t.log.deliveries.splice(0));

  const send = (scheme: BuiltInScheme, headers: Record<string, string>, body = bodyOf(scheme)) =>
    request(t.app.getHttpServer())
      .post(`/senders/${scheme}`)
      .set('content-type', jsonOnly(scheme) ? 'application/json' : 'application/x-www-form-urlencoded')
      .set(headers)
      .send(body);
  const signed = (scheme: BuiltInScheme) =>
    signWebhook(scheme, { secret: secretFor(scheme), body: bodyOf(scheme), url: `${origin}/senders/${scheme}`, format: 'form' });

  describe.each(SCHEMES)('%s', (scheme) => {
    it('runs the handler for a request signWebhook signed, with the exact bytes', async () => {
      await send(scheme, signed(scheme)).expect(200, { received: true });
      expect(t.log.deliveries).toEqual([{ provider: scheme, body: undefined, rawBody: bodyOf(scheme) }]);
    });

    it('answers 401 to a tampered request and never runs the handler', async () => {
      const headers = signed(scheme);
      if (signsBody(scheme)) {
        await send(scheme, headers, bodyOf(scheme).replace('ping', 'pong')).expect(401);
      }
      // One character of each header changed to another digit, which every encoding reads, in any case. The
      // middle one: the last base64 character before `=` carries unused bits, so changing it can decode to the same digest.
      const other = (char: string) => (char === '0' ? '1' : '0');
      const middle = (value: string) => value.length >> 1;
      const tampered = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, value.slice(0, middle(value)) + other(value[middle(value)]!) + value.slice(middle(value) + 1)]),
      );
      await send(scheme, tampered).expect(401);
      await send(scheme, {}).expect(401);
      expect(t.log.deliveries).toEqual([]);
    });
  });
});
