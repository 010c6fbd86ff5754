import type { Type } from '@nestjs/common';
import { WebhookSecurityModule, type WebhookSecurityModuleOptions } from '../../src/index.js';
import { startKeyServer, type KeyServer } from '../support/key-server.js';
import { createApp, type Adapter, type TestApp } from './create-app.js';

/** Records which handlers ran; the controllers of a calls app push their names. */
export class Calls {
  readonly names: string[] = [];
}

/** An app whose handlers record into {@link Calls}, with the key server its providers may fetch keys from. */
export interface CallsApp extends TestApp {
  readonly calls: Calls;
  readonly keys: KeyServer;
  /** Closes the app, then the key server. */
  close(): Promise<void>;
}

/**
 * Starts a key server on 127.0.0.1, then an app on `adapter` with `controller`,
 * {@link Calls}, and the providers `providers` gives for that key server.
 */
export async function startCallsApp(
  adapter: Adapter,
  controller: Type,
  providers: (keys: KeyServer) => WebhookSecurityModuleOptions['providers'],
): Promise<CallsApp> {
  const keys = await startKeyServer();
  try {
    const t = await createApp(WebhookSecurityModule.forRoot({ providers: providers(keys) }), { adapter, controllers: [controller], providers: [Calls] });
    return {
      ...t,
      calls: t.app.get(Calls),
      keys,
      async close() {
        await t.app.close();
        await keys.close();
      },
    };
  } catch (error) {
    await keys.close();
    throw error;
  }
}
