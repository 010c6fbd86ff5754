#!/usr/bin/env bash
# A newcomer's path, timed: in an empty temporary directory, `nest new` makes a
# Nest 12 app (ESM, Vitest, Express, as the generator makes it when no one is
# there to answer its prompts), the packed library is installed into it, the
# Quick start's Stripe route is added, with `rawBody: true` in main.ts, and a
# signed e2e test, then the app is built, linted and its e2e tests run.
# The test secret reaches the app through Vitest's `test.env`: under ESM the
# app module's imports run before any line of the test file.
# Not part of CI: it downloads the CLI and the app's dependencies.
# Usage: test/compat/fresh-app.sh [library.tgz]   (packs the library when no tarball is given)
# Keeps the app when KEEP=1, and prints where it is.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
npm_flags=(--prefer-offline --no-audit --no-fund --loglevel=error)
timings=()

step() {
  local name=$1 start=$SECONDS
  shift
  echo "=== $name"
  "$@"
  timings+=("$(printf '%4ds  %s' $((SECONDS - start)) "$name")")
}

pack() {
  (cd "$root" && npm pack --pack-destination "$work" >"$work/pack.log" 2>&1) || { cat "$work/pack.log"; return 1; }
}

if [ $# -gt 0 ]; then
  tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  step 'npm pack (builds the library)' pack
  tarball=$(ls "$work"/*.tgz)
fi

cd "$work"
step 'npx @nestjs/cli@12 new (generates and installs)' \
  npx --yes @nestjs/cli@12 new fresh-app --package-manager npm --skip-git --no-observe
cd fresh-app
# Without a terminal to answer its prompt, `nest new` makes an ESM app tested with Vitest.
grep -q '"type": "module"' package.json && [ -f vitest.config.e2e.ts ] || { echo 'expected an ESM app with Vitest' >&2; exit 1; }
step 'npm install the library' npm install "${npm_flags[@]}" "$tarball"

write_quick_start() {
  # main.ts: keep the bytes of JSON and form bodies.
  sed -i 's/NestFactory.create(AppModule)/NestFactory.create(AppModule, { rawBody: true })/' src/main.ts
  grep -q 'rawBody: true' src/main.ts

  cat >src/webhooks.controller.ts <<'EOF'
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { VerifiedWebhook } from 'nestjs-webhook-security';

interface StripeEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

@Controller('webhooks')
export class WebhooksController {
  @Post('stripe')
  @HttpCode(200)
  @VerifiedWebhook('stripe')
  stripe(@Body() event: StripeEvent) {
    return { received: event.id };
  }
}
EOF

  cat >src/app.module.ts <<'EOF'
import { Module } from '@nestjs/common';
import { WebhookSecurityModule } from 'nestjs-webhook-security';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';
import { WebhooksController } from './webhooks.controller.js';

@Module({
  imports: [
    WebhookSecurityModule.forRoot({
      providers: {
        stripe: { secret: process.env.STRIPE_WEBHOOK_SECRET },
      },
    }),
  ],
  controllers: [AppController, WebhooksController],
  providers: [AppService],
})
export class AppModule {}
EOF

  # The test secret, set before any test file imports the app module.
  sed -i "s|^  test: {|  test: {\n    env: { STRIPE_WEBHOOK_SECRET: 'whsec_test_secret' },|" vitest.config.e2e.ts
  grep -q STRIPE_WEBHOOK_SECRET vitest.config.e2e.ts

  cat >test/webhooks.e2e-spec.ts <<'EOF'
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { signWebhook } from 'nestjs-webhook-security/testing';
import request from 'supertest';
import { App } from 'supertest/types.js';
import { AppModule } from './../src/app.module.js';

describe('Stripe webhooks (e2e)', () => {
  let app: INestApplication<App>;
  const body = JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded', data: { object: {} } });

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ rawBody: true });
    await app.init();
  });

  afterEach(async () => {
    await app.close();
  });

  it('accepts a delivery signed with the endpoint secret', () => {
    return request(app.getHttpServer())
      .post('/webhooks/stripe')
      .set('content-type', 'application/json')
      .set(signWebhook('stripe', { secret: process.env.STRIPE_WEBHOOK_SECRET!, body }))
      .send(body)
      .expect(200, { received: 'evt_1' });
  });

  it('answers 401 to a delivery signed with another secret', () => {
    return request(app.getHttpServer())
      .post('/webhooks/stripe')
      .set('content-type', 'application/json')
      .set(signWebhook('stripe', { secret: 'whsec_forged', body }))
      .send(body)
      .expect(401);
  });
});
EOF
}
step 'add the Quick start and a signed e2e test' write_quick_start
step 'npm run build (nest build)' npm run build
step 'npm run lint (oxlint --type-aware)' npm run lint
step 'npm test (unit)' npm test
step 'npm run test:e2e' npm run test:e2e

echo "=== fresh app passed; steps:"
printf '%s\n' "${timings[@]}"
echo "total ${SECONDS}s"
[ "${KEEP:-}" = 1 ] && echo "app kept in $work/fresh-app"
exit 0
