import { Body, Controller, ForbiddenException, HttpCode, HttpException, Post, SetMetadata, UseGuards } from '@nestjs/common';
import request from 'supertest';
import {
  VerifiedWebhook,
  WEBHOOK_PROVIDER_METADATA,
  WebhookSecurityModule,
  WebhookSignatureGuard,
  type WebhookRequest,
  type WebhookSecurityModuleOptions,
  type WebhookVerifier,
} from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { BUILT_IN_VERIFIERS } from '../src/verifiers/built-in-verifiers.js';
import { SECRETS, createApp } from './app/create-app.js';
import { DeliveryLog, WebhooksController } from './app/webhooks.controller.js';

const BODY = '{"id":"evt_1"}';
/** Every provider WebhooksController names, each with its test secret. */
const ALL = Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }]));
const forRoot = (providers: WebhookSecurityModuleOptions['providers'], extra: Partial<WebhookSecurityModuleOptions> = {}) =>
  WebhookSecurityModule.forRoot({ providers, ...extra });

@Controller('misnamed')
class MisnamedController {
  @Post()
  @VerifiedWebhook('fulup')
  handle() {}
}

/** A user-defined scheme: the header must equal the secret reversed. */
class ReversedSecretVerifier implements WebhookVerifier {
  verify(request: WebhookRequest, secrets: readonly string[]) {
    const header = request.headers['x-reversed'];
    return secrets.some((secret) => header === [...secret].reverse().join(''))
      ? ({ verified: true } as const)
      : ({ verified: false, reason: 'no_matching_signature' } as const);
  }
}

@Controller('named')
class NamedController {
  constructor(private readonly log: DeliveryLog) {}

  @Post('eu')
  @HttpCode(200)
  @VerifiedWebhook('fullupEu')
  eu(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'fullupEu', body, rawBody: undefined });
  }

  @Post('custom')
  @HttpCode(200)
  @VerifiedWebhook('custom')
  custom(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'custom', body, rawBody: undefined });
  }
}

describe('configuration mistakes fail at startup with a message that names the fix', () => {
  it('rejects @VerifiedWebhook naming a provider that is not configured', async () => {
    await expect(createApp(forRoot({ fullup: { secret: 's' } }), { controllers: [MisnamedController] })).rejects.toThrow(
      "@VerifiedWebhook('fulup') on MisnamedController.handle() names a provider that is not configured. " +
        "Add 'fulup' to WebhookSecurityModule.forRoot({ providers: { ... } }), or fix the name: did you mean 'fullup'? (configured: 'fullup').",
    );
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['an empty array', []],
  ])('rejects a secret that is %s', async (_name, secret) => {
    await expect(createApp(forRoot({ fullup: { secret } }), { controllers: [] })).rejects.toThrow(
      "Webhook provider 'fullup' has no secret. Set providers.fullup.secret",
    );
  });

  it.each([
    ['spaces', '   '],
    ['a newline', '\n'],
  ])('rejects a secret that is only whitespace (%s), naming the provider and the fix', async (_name, secret) => {
    await expect(createApp(forRoot({ fullup: { secret } }), { controllers: [] })).rejects.toThrow(
      "Webhook provider 'fullup': secret is only whitespace. Set providers.fullup.secret to the secret itself " +
        '(is the environment variable that should hold it set, and not blank?).',
    );
  });

  it.each<[string, (string | undefined)[], string]>([
    ['unset', ['s', undefined], 'secret[1] is undefined'],
    ['empty', ['', 's'], 'secret[0] is an empty string'],
    ['only whitespace', ['s', 't', ' '], 'secret[2] is only whitespace'],
  ])('names the %s entry of a rotation list', async (_name, secret, entry) => {
    await expect(createApp(forRoot({ fullup: { secret } }), { controllers: [] })).rejects.toThrow(
      `Webhook provider 'fullup': ${entry}. Set every entry of providers.fullup.secret to a secret, or drop the entry ` +
        '(is the environment variable that should hold it set?).',
    );
  });

  it('rejects a missing secret given through forRootAsync', async () => {
    const module = WebhookSecurityModule.forRootAsync({ useFactory: () => ({ providers: { noyo: { secret: process.env.UNSET_TEST_SECRET } } }) });
    await expect(createApp(module, { controllers: [] })).rejects.toThrow("Webhook provider 'noyo' has no secret");
  });

  it('rejects a provider name that is no built-in scheme and has no verifier', async () => {
    await expect(createApp(forRoot({ acme: { secret: 's' } }), { controllers: [] })).rejects.toThrow(
      `Webhook provider 'acme' uses the scheme 'acme', which is not built in (built in: ${Object.keys(BUILT_IN_VERIFIERS)
        .map((name) => `'${name}'`)
        .join(', ')}). ` + 'Set providers.acme.scheme to one of those, or pass your own verifier as providers.acme.verifier.',
    );
  });

  it('suggests the nearest built-in scheme for a mistyped one', async () => {
    await expect(createApp(forRoot({ payments: { secret: 's', scheme: 'strpe' as never } }), { controllers: [] })).rejects.toThrow(
      "Webhook provider 'payments' uses the scheme 'strpe', which is not built in. Did you mean 'stripe'? (built in: ",
    );
    await expect(createApp(forRoot({ GitHub: { secret: 's' } }), { controllers: [] })).rejects.toThrow(
      "uses the scheme 'GitHub', which is not built in. Did you mean 'github'?",
    );
  });

  it.each<[string, object, string]>([
    ['an unknown algorithm', { header: 'x-sig', algorithm: 'md5', encoding: 'hex' }, "The signature scheme of header 'x-sig' needs an algorithm"],
    ['an unknown encoding', { header: 'x-sig', algorithm: 'sha256', encoding: 'base32' }, "The signature scheme of header 'x-sig' needs an encoding"],
    ['an empty separator', { header: 'x-sig', algorithm: 'sha256', encoding: 'hex', separator: '' }, 'needs a non-empty separator'],
    ['no header', { algorithm: 'sha256', encoding: 'hex' }, 'A declarative signature scheme needs a header name'],
    [
      'a timestamp header it does not sign',
      { header: 'x-sig', algorithm: 'sha256', encoding: 'hex', timestamp: { header: 'x-ts', format: 'unix' } },
      "The signature scheme of header 'x-sig' reads the timestamp header but does not sign it",
    ],
    [
      'an id header it does not sign',
      { header: 'x-sig', algorithm: 'sha256', encoding: 'hex', id: { header: 'x-id' } },
      "The signature scheme of header 'x-sig' reads the id header but does not sign it",
    ],
    [
      'a timestamp format it does not know',
      { header: 'x-sig', algorithm: 'sha256', encoding: 'hex', signedContent: '{timestamp}.{body}', timestamp: { header: 'x-ts', format: 'rfc2822' } },
      "needs a timestamp format: 'unix', 'unix-ms' or 'iso'",
    ],
  ])('rejects a declarative scheme with %s', async (_name, scheme, message) => {
    await expect(createApp(forRoot({ acme: { secret: 's', scheme: scheme as never } }), { controllers: [] })).rejects.toThrow(message);
  });

  it('rejects a provider given no options object', async () => {
    await expect(createApp(forRoot({ fullup: undefined as never }), { controllers: [] })).rejects.toThrow(
      "Webhook provider 'fullup': its options must be an object",
    );
  });

  it.each(['https://api.example.com?x=1', 'https://api.example.com/#top', 'ftp://api.example.com'])(
    'rejects a publicBaseUrl that cannot prefix a path: %s',
    async (publicBaseUrl) => {
      await expect(createApp(forRoot({ signalwire: { secret: 's' } }, { publicBaseUrl }), { controllers: [] })).rejects.toThrow(
        "Webhook provider 'signalwire': publicBaseUrl must be an absolute http(s) URL with no query or fragment",
      );
    },
  );

  it.each([['http://127.0.0.1:4010/'], ['https://keys.example.com/v1'], ['keys.example.com'], ['ftp://keys.example.com'], [42]])(
    'rejects a keyOrigins entry that is not an http(s) origin: %p',
    async (origin) => {
      for (const name of ['plaid', 'paypal']) {
        await expect(createApp(forRoot({ [name]: { secret: 'client:s', keyOrigins: [origin as string] } }), { controllers: [] })).rejects.toThrow(
          `Webhook provider '${name}': keyOrigins must be http(s) origins written as new URL(...).origin writes them, such as 'http://127.0.0.1:4010': no path, no trailing slash.`,
        );
      }
    },
  );

  it('takes keyOrigins entries that are origins', async () => {
    const t = await createApp(forRoot({ plaid: { secret: 'client:s', keyOrigins: ['http://127.0.0.1:4010', 'https://keys.example.com'] } }), {
      controllers: [],
    });
    await t.app.close();
  });

  it('rejects no providers, a bad tolerance and a relative publicBaseUrl', async () => {
    await expect(createApp(forRoot({}), { controllers: [] })).rejects.toThrow('WebhookSecurityModule has no providers');
    await expect(createApp(forRoot({ noyo: { secret: 's', toleranceSeconds: -1 } }), { controllers: [] })).rejects.toThrow(
      "Webhook provider 'noyo': toleranceSeconds must be a positive number of seconds.",
    );
    await expect(createApp(forRoot({ signalwire: { secret: 's' } }, { publicBaseUrl: 'api.example.com' }), { controllers: [] })).rejects.toThrow(
      "Webhook provider 'signalwire': publicBaseUrl must be an absolute http(s) URL",
    );
  });
});

describe('an app created without rawBody', () => {
  it('answers 500, logs the fix once, and never runs the handler', async () => {
    const failures: string[] = [];
    const t = await createApp(forRoot(ALL, { onVerificationFailure: ({ provider, reason }) => void failures.push(`${provider}:${reason}`) }), {
      rawBody: false,
      controllers: [WebhooksController],
    });
    const response = await request(t.app.getHttpServer())
      .post('/webhooks/fullup')
      .set('content-type', 'application/json')
      .set(signWebhook('fullup', { secret: SECRETS.fullup, body: BODY }))
      .send(BODY)
      .expect(500);
    expect(response.body.message).toContain('{ rawBody: true }');
    expect(t.log.deliveries).toEqual([]);
    const errors = t.logger.lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^POST \/webhooks\/fullup: .*NestFactory\.create\(AppModule, \{ rawBody: true \}\)/);
    expect(failures).toEqual(['fullup:raw_body_unavailable']);
    await t.app.close();
  });

  it('still verifies content types that no parser consumed', async () => {
    const t = await createApp(forRoot(ALL), { rawBody: false, controllers: [WebhooksController] });
    await request(t.app.getHttpServer())
      .post('/webhooks/fullup')
      .set('content-type', 'application/octet-stream')
      .set(signWebhook('fullup', { secret: SECRETS.fullup, body: BODY }))
      .send(BODY)
      .expect(200);
    expect(t.log.deliveries).toHaveLength(1);
    await t.app.close();
  });
});

describe('body size limit of the bytes the guard reads itself', () => {
  it('answers 413 past maxBodyBytes and never runs the handler', async () => {
    const t = await createApp(forRoot(ALL, { maxBodyBytes: 1024 }), { controllers: [WebhooksController] });
    t.logger.lines.length = 0; // the startup warnings
    const send = (body: string) =>
      request(t.app.getHttpServer())
        .post('/webhooks/fullup')
        .set('content-type', 'text/plain')
        .set(signWebhook('fullup', { secret: SECRETS.fullup, body }))
        .send(body);
    await send('a'.repeat(1024)).expect(200);
    await send('a'.repeat(1025)).expect(413);
    expect(t.log.deliveries).toHaveLength(1);
    expect(t.logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      "Rejected webhook from 'fullup' on POST /webhooks/fullup: body_too_large",
    ]);
    await t.app.close();
  });
});

describe('providers named apart from their scheme, and user-defined verifiers', () => {
  it('routes each name to its own scheme and secret', async () => {
    const t = await createApp(
      forRoot({ fullupEu: { scheme: 'fullup', secret: 'eu-secret' }, custom: { secret: 'abc', verifier: new ReversedSecretVerifier() } }),
      { controllers: [NamedController] },
    );
    const server = t.app.getHttpServer();
    const json = (path: string, headers: Record<string, string>) => request(server).post(path).set('content-type', 'application/json').set(headers).send(BODY);
    await json('/named/eu', signWebhook('fullup', { secret: 'eu-secret', body: BODY })).expect(200);
    await json('/named/eu', signWebhook('fullup', { secret: SECRETS.fullup, body: BODY })).expect(401);
    await json('/named/custom', { 'x-reversed': 'cba' }).expect(200);
    await json('/named/custom', { 'x-reversed': 'abc' }).expect(401);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['fullupEu', 'custom']);
    await t.app.close();
  });
});

describe('publicBaseUrl for apps behind a TLS-terminating proxy', () => {
  it('verifies the URL the sender signed, not the one the app sees', async () => {
    const t = await createApp(forRoot(ALL, { publicBaseUrl: 'https://hooks.example.com/' }), {
      controllers: [WebhooksController],
    });
    const signedFor = (url: string) => signWebhook('signalwire', { secret: SECRETS.signalwire, body: BODY, url });
    const send = (headers: Record<string, string>) =>
      request(t.app.getHttpServer()).post('/webhooks/signalwire?x=1').set('content-type', 'application/json').set(headers).send(BODY);
    await send(signedFor('https://hooks.example.com/webhooks/signalwire?x=1')).expect(200);
    await send(signedFor('http://127.0.0.1/webhooks/signalwire?x=1')).expect(401);
    expect(t.log.deliveries).toHaveLength(1);
    await t.app.close();
  });
});

/** A guard whose rejection hook answers 403 instead of 401, as a user's subclass might. */
class ForbiddingGuard extends WebhookSignatureGuard {
  protected override rejection(): HttpException {
    return new ForbiddenException('nope');
  }
}

@Controller('custom-guard')
class CustomGuardController {
  constructor(private readonly log: DeliveryLog) {}

  @Post()
  @HttpCode(200)
  @SetMetadata(WEBHOOK_PROVIDER_METADATA, 'fullup')
  @UseGuards(ForbiddingGuard)
  handle(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'custom-guard', body, rawBody: undefined });
  }
}

describe('a guard subclass that overrides the rejection', () => {
  it('answers with the exception it returns, and the handler still never runs', async () => {
    const t = await createApp(forRoot({ fullup: { secret: SECRETS.fullup } }), { controllers: [CustomGuardController] });
    const send = (secret: string) =>
      request(t.app.getHttpServer())
        .post('/custom-guard')
        .set('content-type', 'application/json')
        .set(signWebhook('fullup', { secret, body: BODY }))
        .send(BODY);
    await send('forged').expect(403);
    await send(SECRETS.fullup).expect(200);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['custom-guard']);
    await t.app.close();
  });
});

describe('a secret function that fails', () => {
  it('answers 503 so the sender retries, logs the error, and never runs the handler', async () => {
    const t = await createApp(
      forRoot({
        ...ALL,
        fullup: {
          secret: async () => {
            // What a database client throws: its message may hold the connection string, password included.
            throw Object.assign(new Error('connect ECONNREFUSED postgres://app:s3cret-pw@db.internal:5432/tenants'), { code: 'ECONNREFUSED' });
          },
        },
      }),
      { controllers: [WebhooksController] },
    );
    await request(t.app.getHttpServer())
      .post('/webhooks/fullup')
      .set('content-type', 'application/json')
      .set(signWebhook('fullup', { secret: SECRETS.fullup, body: BODY }))
      .send(BODY)
      .expect(503);
    expect(t.log.deliveries).toEqual([]);
    expect(t.logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      "Secret lookup for 'fullup' on POST /webhooks/fullup failed: Error (ECONNREFUSED)",
    ]);
    expect(t.logger.lines.map((line) => line.message).join('\n')).not.toMatch(/s3cret-pw|postgres:/);
    await t.app.close();
  });
});
