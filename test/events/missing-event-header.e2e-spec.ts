import { sign as octokitSign } from '@octokit/webhooks-methods';
import request from 'supertest';
import { WebhookSecurityModule } from '../../src/index.js';
import { ADAPTERS } from '../app/create-app.js';
import { EVENT_SECRETS, IntegrationsModule, createEventsApp, eventProviders, type EventsTestApp } from './events-app.js';

/**
 * GitHub sends X-GitHub-Event with every delivery, and the type is that
 * header and the signed `action`. Without the header, the `action` alone
 * would name the type: a signed body whose `action` its sender chose (a
 * repository_dispatch's `event_type`, say "issues.opened") could be re-sent
 * without the header to reach the handlers of a type GitHub never sent.
 */
describe.each(ADAPTERS)('A GitHub delivery without X-GitHub-Event on %s', (adapter) => {
  let t: EventsTestApp;
  beforeAll(async () => {
    t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders() }), adapter, { imports: [IntegrationsModule] });
  });
  afterAll(() => t.app.close());
  beforeEach(() => t.log.calls.splice(0));

  // Signed by @octokit/webhooks-methods, as GitHub signs: sha256= hex HMAC-SHA256 of the body.
  const send = async (event: object, headers: Record<string, string> = {}) => {
    const body = JSON.stringify(event);
    return request(t.app.getHttpServer())
      .post('/events/github')
      .set('content-type', 'application/json')
      .set({ 'x-hub-signature-256': await octokitSign(EVENT_SECRETS.github, body), ...headers })
      .send(body);
  };

  it.each([
    ['a dotted action', { action: 'issues.opened', client_payload: { issue: { number: 1 } } }],
    ['an action that is an event name', { action: 'push', client_payload: { ref: 'refs/heads/main' } }],
  ])('names no type, even with %s: no handler runs', async (_name, event) => {
    expect((await send(event)).status).toBe(200);
    expect(t.log.handlers).toEqual([]);
    expect(t.logger.lines.at(-1)).toEqual({ level: 'debug', message: "No @OnWebhookEvent handler for an event with no type from 'github'" });
  });

  it('still routes by the header and the action when both are there', async () => {
    expect((await send({ action: 'opened', issue: { number: 2 } }, { 'x-github-event': 'issues' })).status).toBe(200);
    expect(t.log.handlers).toEqual(['github.issueOpened']);
  });
});
