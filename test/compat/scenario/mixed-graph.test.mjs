// One process that loads both builds, as when an ESM app imports the library
// and a CommonJS dependency requires it too. The injection tokens and the
// metadata key are the same strings in both, so whichever copy registers the
// module, routes marked by the other copy are verified.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { afterEach, describe, it } from 'node:test';
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import * as esm from 'nestjs-webhook-security';
import { signWebhook } from 'nestjs-webhook-security/testing';

const cjs = createRequire(import.meta.url)('nestjs-webhook-security');
const SECRET = 'mixed-graph-secret';
const BODY = '{"id":"evt_1"}';

/** An app whose module comes from one build and whose `@VerifiedWebhook(name)` comes from the other. */
function appModule(moduleBuild, decoratorBuild, name = 'fullup') {
  class WebhooksController {
    handle() {
      return { received: true };
    }
  }
  const { prototype } = WebhooksController;
  const decorators = [Post('fullup'), HttpCode(200), decoratorBuild.VerifiedWebhook(name)];
  Object.defineProperty(prototype, 'handle', Reflect.decorate(decorators, prototype, 'handle', Object.getOwnPropertyDescriptor(prototype, 'handle')));
  Reflect.decorate([Controller('webhooks')], WebhooksController);

  class AppModule {}
  const imports = [moduleBuild.WebhookSecurityModule.forRoot({ providers: { fullup: { secret: SECRET } } })];
  Reflect.decorate([Module({ imports, controllers: [WebhooksController] })], AppModule);
  return AppModule;
}

describe('a graph that loads both the ESM and the CommonJS build', () => {
  let app;
  afterEach(() => app?.close());

  it('loads two copies of the library', () => {
    assert.notEqual(esm.WebhookSecurityModule, cjs.WebhookSecurityModule);
  });

  for (const [moduleName, moduleBuild, decoratorName, decoratorBuild] of [
    ['CommonJS', cjs, 'ESM', esm],
    ['ESM', esm, 'CommonJS', cjs],
  ]) {
    it(`verifies a route marked by the ${decoratorName} build with the module of the ${moduleName} build`, async () => {
      app = await NestFactory.create(appModule(moduleBuild, decoratorBuild), { rawBody: true, logger: false, abortOnError: false });
      await app.listen(0, '127.0.0.1');
      const url = `${await app.getUrl()}/webhooks/fullup`;
      const post = (headers) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY });
      assert.equal((await post(signWebhook('fullup', { secret: SECRET, body: BODY }))).status, 200);
      assert.equal((await post(signWebhook('fullup', { secret: 'forged-secret', body: BODY }))).status, 401);
    });

    it(`fails at startup when a route marked by the ${decoratorName} build names a provider the ${moduleName} module lacks`, async () => {
      app = await NestFactory.create(appModule(moduleBuild, decoratorBuild, 'fulup'), { logger: false, abortOnError: false });
      await assert.rejects(app.init(), {
        name: 'WebhookSecurityConfigurationError',
        message: /@VerifiedWebhook\('fulup'\)/,
      });
    });
  }
});
