import type { INestApplication, Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

/** The app as a user's e2e test builds it on Fastify. */
export async function createApp(module: Type, { rawBody }: { rawBody: boolean }): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { rawBody, logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
