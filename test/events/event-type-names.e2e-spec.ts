import { Injectable } from '@nestjs/common';
import { OnWebhookEvent, WebhookSecurityConfigurationError, WebhookSecurityModule } from '../../src/index.js';
import { createEventsApp, eventProviders } from './events-app.js';

// A type no verifier can read never matches: the handler would never run,
// and its deliveries would go by as unhandled, logged at debug level only.
@Injectable()
class EmptyTypeHandlers {
  @OnWebhookEvent('stripe', '' as never)
  onEmpty() {}
}

@Injectable()
class PaddedTypeHandlers {
  @OnWebhookEvent('stripe', ['invoice.created', 'invoice.paid '] as never)
  onPadded() {}
}

@Injectable()
class ListedWildcardHandlers {
  @OnWebhookEvent('stripe', ['*'] as never)
  onEvery() {}
}

describe('An @OnWebhookEvent type that no delivery can have fails at startup', () => {
  const startFails = async (handlers: new () => object) => {
    const module = WebhookSecurityModule.forRoot({ providers: eventProviders() });
    const failure = await createEventsApp(module, 'express', { imports: [], providers: [handlers] }).then(
      (t) => t.app.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WebhookSecurityConfigurationError);
    return (failure as Error).message;
  };

  it.each([
    ['an empty type', EmptyTypeHandlers, /EmptyTypeHandlers\.onEmpty\(\).*""/],
    ['a type with whitespace around it', PaddedTypeHandlers, /PaddedTypeHandlers\.onPadded\(\).*"invoice\.paid "/],
    ["'*' inside a list, where it is no wildcard", ListedWildcardHandlers, /ListedWildcardHandlers\.onEvery\(\).*"\*"/],
  ])('%s, naming the handler and the type', async (_name, handlers, message) => {
    expect(await startFails(handlers)).toMatch(message);
  });
});
