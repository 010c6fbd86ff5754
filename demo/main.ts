import { NestFactory } from '@nestjs/core';
import { curlCommand } from '../src/cli/curl-command.js';
import { signWebhook } from '../src/testing/index.js';
import { DEMO_SECRETS, DemoModule } from './demo.module.js';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT ?? 3000);

/** A curl that POSTs `body` to `path` on the demo, with the signature headers. */
const curl = (path: string, contentType: string, body: string, headers: Record<string, string>): string =>
  curlCommand({ url: `http://${HOST}:${PORT}${path}`, contentType, headers, body });

async function main(): Promise<void> {
  // rawBody: true keeps the exact bytes of JSON and form bodies for the signature check.
  const app = await NestFactory.create(DemoModule, { rawBody: true });
  await app.listen(PORT, HOST);

  const base = `http://${HOST}:${PORT}`;
  const json = JSON.stringify({ id: 'evt_demo_1', type: 'demo.event', data: { message: 'héllo from the demo' } });
  const form = new URLSearchParams({ CallSid: 'CA1234567890ABCDE', From: '+14158675309', To: '+18005551212' }).toString();
  const swPath = '/webhooks/signalwire?tenant=demo';

  const examples = [
    ['Trophy', curl('/webhooks/trophy', 'application/json', json, signWebhook('trophy', { secret: DEMO_SECRETS.trophy, body: json }))],
    ['Fullup', curl('/webhooks/fullup', 'application/json', json, signWebhook('fullup', { secret: DEMO_SECRETS.fullup, body: json }))],
    [
      'Noyo (signed now; the timestamp is valid for 5 minutes)',
      curl('/webhooks/noyo', 'application/json', json, signWebhook('noyo', { secret: DEMO_SECRETS.noyo, body: json })),
    ],
    [
      'SignalWire SWML (JSON)',
      curl(swPath, 'application/json', json, signWebhook('signalwire', { secret: DEMO_SECRETS.signalwire, body: json, url: base + swPath })),
    ],
    [
      'SignalWire cXML (form post)',
      curl(swPath, 'application/x-www-form-urlencoded', form, signWebhook('signalwire', { secret: DEMO_SECRETS.signalwire, body: form, url: base + swPath, format: 'form' })),
    ],
    [
      'Forged: a Fullup request signed with the wrong secret (expect 401)',
      curl('/webhooks/fullup', 'application/json', json, signWebhook('fullup', { secret: 'not-the-secret', body: json })),
    ],
  ];

  console.log(`\nWebhook demo listening on ${base}. Paste any of these into another terminal:\n`);
  for (const [title, command] of examples) console.log(`# ${title}\n${command}\n`);
}

void main();
