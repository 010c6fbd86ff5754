import { createHmac } from 'node:crypto';
import { Body, Controller, HttpCode, Injectable, Module, Param, Post, type DynamicModule } from '@nestjs/common';
import request from 'supertest';
import {
  VerifiedWebhook,
  WebhookSecurityModule,
  type WebhookRequest,
  type WebhookSecretRequest,
  type WebhookSecretResolver,
  type WebhookVerificationFailure,
  type WebhookVerifier,
} from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { createApp, type TestApp } from './app/create-app.js';
import { DeliveryLog } from './app/webhooks.controller.js';

const BODY = '{"id":"evt_1","amount":42}';

/** Stands in for a user's own repository, injected into their resolver. */
@Injectable()
class TenantRepository {
  readonly secrets = new Map([
    ['acme', 'acme-secret'],
    ['globex', 'globex-secret'],
  ]);
}

@Injectable()
class TenantSecrets implements WebhookSecretResolver {
  constructor(private readonly tenants: TenantRepository) {}
  async resolveSecret({ params }: WebhookSecretRequest) {
    return this.tenants.secrets.get(params.tenantId ?? '');
  }
}

/** A user-defined verifier with an injected dependency: the header must name a known tenant key. */
@Injectable()
class HeaderKeyVerifier implements WebhookVerifier {
  constructor(private readonly tenants: TenantRepository) {}
  verify(request: WebhookRequest) {
    const key = request.headers['x-key'];
    return typeof key === 'string' && [...this.tenants.secrets.values()].includes(key)
      ? ({ verified: true } as const)
      : ({ verified: false, reason: 'no_matching_signature' } as const);
  }
}

@Controller()
class TenantController {
  constructor(private readonly log: DeliveryLog) {}

  @Post('fn/:tenantId')
  @HttpCode(200)
  @VerifiedWebhook('byFunction')
  byFunction(@Param('tenantId') tenant: string, @Body() body: unknown) {
    this.log.deliveries.push({ provider: `byFunction:${tenant}`, body, rawBody: undefined });
  }

  @Post('header')
  @HttpCode(200)
  @VerifiedWebhook('byHeader')
  byHeader(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'byHeader', body, rawBody: undefined });
  }

  @Post('di/:tenantId')
  @HttpCode(200)
  @VerifiedWebhook('byResolver')
  byResolver(@Param('tenantId') tenant: string, @Body() body: unknown) {
    this.log.deliveries.push({ provider: `byResolver:${tenant}`, body, rawBody: undefined });
  }

  @Post('verifier-class')
  @HttpCode(200)
  @VerifiedWebhook('verifierClass')
  verifierClass(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'verifierClass', body, rawBody: undefined });
  }

  @Post('flag')
  @HttpCode(200)
  @VerifiedWebhook('flag')
  flag(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'flag', body, rawBody: undefined });
  }

  @Post('acme')
  @HttpCode(200)
  @VerifiedWebhook('acme')
  acme(@Body() body: unknown) {
    this.log.deliveries.push({ provider: 'acme', body, rawBody: undefined });
  }
}

@Module({ providers: [TenantRepository, TenantSecrets, HeaderKeyVerifier] })
class TenantsModule {}

/** A user-defined verifier with no dependencies, registered nowhere: it is created. */
class FlagVerifier implements WebhookVerifier {
  verify(request: WebhookRequest) {
    return request.headers['x-ok'] === 'yes' ? ({ verified: true } as const) : ({ verified: false, reason: 'missing_header' } as const);
  }
}

const failures: WebhookVerificationFailure[] = [];
let hookThrows = false;
const TENANT_KEYS: Record<string, string[]> = { acme: ['acme-new', 'acme-old'], globex: ['globex-key'] };

const webhookModule = (): DynamicModule =>
  WebhookSecurityModule.forRoot({
    providers: {
      byFunction: { scheme: 'fullup', secret: async ({ params }) => TENANT_KEYS[params.tenantId ?? ''] },
      byHeader: { scheme: 'fullup', secret: ({ headers }) => (headers['x-account'] === 'a1' ? 'account-1-secret' : undefined) },
      byResolver: { scheme: 'fullup', secret: TenantSecrets },
      verifierClass: { secret: 'unused', verifier: HeaderKeyVerifier },
      flag: { secret: 'unused', verifier: FlagVerifier },
      acme: {
        secret: 'acme-declarative-secret',
        scheme: {
          header: 'x-acme-signature',
          algorithm: 'sha512',
          encoding: 'base64url',
          prefix: 'v1=',
          separator: ' ',
          signedContent: '{timestamp}:{url}:{body}',
          timestamp: { header: 'x-acme-time', format: 'unix-ms' },
        },
      },
    },
    onVerificationFailure: (failure) => {
      failures.push(failure);
      if (hookThrows) throw new Error('metrics backend down');
    },
  });

describe('secrets per request, injectable classes, declarative schemes and the failure hook', () => {
  let t: TestApp;
  let host: string;

  beforeAll(async () => {
    t = await createApp(webhookModule(), { controllers: [TenantController], imports: [TenantsModule] });
    await t.app.listen(0, '127.0.0.1');
    host = `127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(() => t.app.close());
  beforeEach(() => {
    t.log.deliveries.length = 0;
    t.logger.lines.length = 0;
    failures.length = 0;
    hookThrows = false;
  });

  const post = (path: string, headers: Record<string, string>, body = BODY) =>
    request(t.app.getHttpServer()).post(path).set('content-type', 'application/json').set(headers).send(body);
  const fullup = (secret: string) => signWebhook('fullup', { secret, body: BODY });

  it('picks secrets by route param with an async function, rotation included', async () => {
    await post('/fn/acme', fullup('acme-new')).expect(200);
    await post('/fn/acme', fullup('acme-old')).expect(200);
    await post('/fn/globex', fullup('globex-key')).expect(200);
    await post('/fn/globex', fullup('acme-new')).expect(401);
    await post('/fn/unknown', fullup('acme-new')).expect(401);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['byFunction:acme', 'byFunction:acme', 'byFunction:globex']);
  });

  it('picks secrets by header', async () => {
    await post('/header', { ...fullup('account-1-secret'), 'x-account': 'a1' }).expect(200);
    await post('/header', { ...fullup('account-1-secret'), 'x-account': 'a2' }).expect(401);
    expect(t.log.deliveries).toHaveLength(1);
  });

  it('resolves a secret resolver class with its injected dependencies', async () => {
    await post('/di/acme', fullup('acme-secret')).expect(200);
    await post('/di/globex', fullup('acme-secret')).expect(401);
    await post('/di/nobody', fullup('acme-secret')).expect(401);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['byResolver:acme']);
  });

  it('creates a verifier class with its injected dependencies', async () => {
    await post('/verifier-class', { 'x-key': 'globex-secret' }).expect(200);
    await post('/verifier-class', { 'x-key': 'nope' }).expect(401);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['verifierClass']);
  });

  it('creates a verifier class that is registered nowhere', async () => {
    await post('/flag', { 'x-ok': 'yes' }).expect(200);
    await post('/flag', { 'x-ok': 'no' }).expect(401);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['flag']);
  });

  it('verifies a declarative scheme, computed here with node:crypto alone', async () => {
    const time = String(Date.now());
    const url = `http://${host}/acme`;
    const mac = createHmac('sha512', 'acme-declarative-secret').update(`${time}:${url}:${BODY}`).digest('base64url');
    await post('/acme', { 'x-acme-time': time, 'x-acme-signature': `v0=abc v1=${mac}` }).expect(200);
    await post('/acme', { 'x-acme-time': String(Date.now() - 301_000), 'x-acme-signature': `v1=${mac}` }).expect(401);
    await post('/acme', { 'x-acme-time': time, 'x-acme-signature': `v1=${mac}` }, BODY.replace('42', '43')).expect(401);
    expect(t.log.deliveries).toHaveLength(1);
    expect(failures.map((f) => f.reason)).toEqual(['timestamp_out_of_tolerance', 'no_matching_signature']);
  });

  it('tells onVerificationFailure the provider, reason and request, and keeps the generic 401', async () => {
    const response = await post('/fn/acme', {}).expect(401);
    expect(response.body).toEqual({ statusCode: 401, message: 'Invalid webhook signature', error: 'Unauthorized' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ provider: 'byFunction', reason: 'missing_header' });
    expect((failures[0]?.request as { params: object }).params).toEqual({ tenantId: 'acme' });
  });

  it('logs a hook that throws and still answers 401', async () => {
    hookThrows = true;
    await post('/fn/acme', fullup('wrong')).expect(401);
    expect(t.logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['onVerificationFailure threw: Error']);
  });
});

// Nest's logger is process-wide, so apps that fail to start get their own describe, after the shared app is closed.
describe('injectable classes that cannot be created', () => {
  it('fails startup with the fix when a verifier class cannot be created', async () => {
    const module = WebhookSecurityModule.forRoot({ providers: { verifierClass: { secret: 'unused', verifier: HeaderKeyVerifier } } });
    await expect(createApp(module, { controllers: [] })).rejects.toThrow("Webhook provider 'verifierClass': HeaderKeyVerifier could not be created");
    await expect(createApp(module, { controllers: [] })).rejects.toThrow('Register HeaderKeyVerifier as a provider in the module that owns its dependencies.');
  });
});
