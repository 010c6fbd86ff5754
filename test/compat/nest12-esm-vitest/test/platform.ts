import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';

/** The app as a user's e2e test builds it: Express, the default adapter. */
export async function createApp(module: Type, { rawBody }: { rawBody: boolean }): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ rawBody, logger: false });
  return app.init();
}
