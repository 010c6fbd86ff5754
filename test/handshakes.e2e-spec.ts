import { createHmac, generateKeyPairSync } from 'node:crypto';
import { All, Body, Controller, HttpCode, Post } from '@nestjs/common';
import request from 'supertest';
import { MailgunVerifier, VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { Calls, startCallsApp, type CallsApp } from './app/calls-app.js';
import { ADAPTERS, createApp } from './app/create-app.js';
import { selfSignedCertificate } from './support/key-server.js';

@Controller('hooks')
class HandshakeController {
  constructor(private readonly calls: Calls) {}

  @Post('discord')
  @HttpCode(200)
  @VerifiedWebhook('discord')
  discord(@Body() body: { type: number }) {
    this.calls.names.push(`discord:${body.type}`);
    return { type: 4, data: { content: 'pong' } };
  }

  @Post('slack')
  @HttpCode(200)
  @VerifiedWebhook('slack')
  slack() {
    this.calls.names.push('slack');
  }

  @All('meta')
  @HttpCode(200)
  @VerifiedWebhook('meta')
  meta() {
    this.calls.names.push('meta');
  }

  @All('x')
  @HttpCode(200)
  @VerifiedWebhook('x')
  x() {
    this.calls.names.push('x');
  }

  @All('dropbox')
  @HttpCode(200)
  @VerifiedWebhook('dropbox')
  dropbox() {
    this.calls.names.push('dropbox');
  }

  @All('okta')
  @HttpCode(200)
  @VerifiedWebhook('okta')
  okta() {
    this.calls.names.push('okta');
  }

  @Post('zoom')
  @HttpCode(200)
  @VerifiedWebhook('zoom')
  zoom() {
    this.calls.names.push('zoom');
  }

  @Post('twitch')
  @HttpCode(204)
  @VerifiedWebhook('twitch')
  twitch() {
    this.calls.names.push('twitch');
  }

  @Post('sendgrid')
  @HttpCode(200)
  @VerifiedWebhook('sendgrid')
  sendgrid() {
    this.calls.names.push('sendgrid');
  }

  @Post('paypal')
  @HttpCode(200)
  @VerifiedWebhook('paypal')
  paypal() {
    this.calls.names.push('paypal');
  }
}

const discordKeys = generateKeyPairSync('ed25519');
const DISCORD_PUBLIC_KEY = Buffer.from(discordKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const SENDGRID_PUBLIC_KEY = sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const SLACK_SECRET = 'slack-signing-secret';

describe.each(ADAPTERS)('Handshakes and public-key schemes over HTTP (%s)', (adapter) => {
  let t: CallsApp;
  const cert = selfSignedCertificate();

  beforeAll(async () => {
    t = await startCallsApp(adapter, HandshakeController, (keys) => ({
      discord: { secret: DISCORD_PUBLIC_KEY, replay: {} },
      slack: { secret: SLACK_SECRET },
      meta: { secret: 'meta-app-secret', verifyToken: 'meta-verify-token' },
      x: { secret: 'x-consumer-secret' },
      dropbox: { secret: 'dropbox-app-secret' },
      okta: { secret: 'Bearer okta-static-token' },
      // While rotating: each validation is answered with the secret that signed it.
      zoom: { secret: ['zoom-new-token', 'zoom-secret-token'] },
      twitch: { secret: 'twitch-secret' },
      sendgrid: { secret: SENDGRID_PUBLIC_KEY },
      paypal: { secret: 'WEBHOOK1', replay: {}, keyOrigins: [keys.origin] },
    }));
    t.keys.routes.set('/cert', { body: cert.certificate });
  });
  afterAll(() => t.close());
  beforeEach(() => t.calls.names.splice(0));

  const post = (path: string, body: string, headers: Record<string, string>) =>
    request(t.app.getHttpServer()).post(path).set('content-type', 'application/json').set(headers).send(body);

  it('answers a signed Discord PING with {"type":1}, twice under replay, without running the handler', async () => {
    const ping = '{"id":"1","type":1}';
    for (let i = 0; i < 2; i++) {
      const response = await post(
        '/hooks/discord',
        ping,
        signWebhook('discord', { secret: DISCORD_PUBLIC_KEY, body: ping, privateKey: discordKeys.privateKey }),
      );
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.text).toBe('{"type":1}');
    }
    expect(t.calls.names).toEqual([]);
  });

  it('passes a signed Discord interaction to the handler, and refuses a forged PING', async () => {
    const interaction = '{"id":"2","type":2,"data":{"name":"hello"}}';
    const signed = signWebhook('discord', { secret: DISCORD_PUBLIC_KEY, body: interaction, privateKey: discordKeys.privateKey });
    await post('/hooks/discord', interaction, signed).expect(200, { type: 4, data: { content: 'pong' } });
    await post('/hooks/discord', '{"id":"3","type":1}', signed).expect(401);
    expect(t.calls.names).toEqual(['discord:2']);
  });

  it('answers a signed Slack url_verification with its challenge as text, and refuses an unsigned one', async () => {
    const body = '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';
    const response = await post('/hooks/slack', body, signWebhook('slack', { secret: SLACK_SECRET, body }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toBe('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
    await post('/hooks/slack', body, {}).expect(401);
    expect(t.calls.names).toEqual([]);
  });

  it("answers Meta's GET subscription check only with the right verify token", async () => {
    const server = t.app.getHttpServer();
    const ok = await request(server).get('/hooks/meta?hub.mode=subscribe&hub.verify_token=meta-verify-token&hub.challenge=1158201444');
    expect([ok.status, ok.text]).toEqual([200, '1158201444']);
    await request(server).get('/hooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444').expect(401);
    await request(server).get('/hooks/meta').expect(401);
    expect(t.calls.names).toEqual([]);
  });

  it("answers X's CRC with the HMAC of the token, Dropbox's challenge with nosniff text, Okta's with its verification", async () => {
    const server = t.app.getHttpServer();
    const crc = await request(server).get('/hooks/x?crc_token=9b4507b3-9040-4669-9ff0-0b4b2ef4c36d');
    expect(crc.status).toBe(200);
    expect(JSON.parse(crc.text)).toEqual({ response_token: expect.stringMatching(/^sha256=[A-Za-z0-9+/]{43}=$/) });
    const dropbox = await request(server).get('/hooks/dropbox?challenge=abc123');
    expect([dropbox.status, dropbox.text, dropbox.headers['x-content-type-options']]).toEqual([200, 'abc123', 'nosniff']);
    const okta = await request(server).get('/hooks/okta').set('x-okta-verification-challenge', 'ok-123').set('authorization', 'Bearer okta-static-token');
    expect([okta.status, JSON.parse(okta.text)]).toEqual([200, { verification: 'ok-123' }]);
    await request(server).get('/hooks/okta').set('x-okta-verification-challenge', 'ok-123').set('authorization', 'Bearer wrong').expect(401);
    await request(server)
      .get(`/hooks/dropbox?challenge=${encodeURIComponent('<script>\n')}`)
      .expect(401);
    expect(t.calls.names).toEqual([]);
  });

  it('answers a signed Zoom endpoint.url_validation with the encrypted token, and a Twitch challenge as text', async () => {
    const zoom = '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}';
    const zoomReply = await post('/hooks/zoom', zoom, signWebhook('zoom', { secret: 'zoom-secret-token', body: zoom }));
    expect([zoomReply.status, JSON.parse(zoomReply.text)]).toEqual([
      200,
      { plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: createHmac('sha256', 'zoom-secret-token').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex') },
    ]);
    await post('/hooks/zoom', zoom, signWebhook('zoom', { secret: 'another-secret', body: zoom })).expect(401);
    // Never with another configured secret: a holder of the old one would get the new one's HMAC of any text it chose.
    const rotated = await post('/hooks/zoom', zoom, signWebhook('zoom', { secret: 'zoom-new-token', body: zoom }));
    expect(JSON.parse(rotated.text)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', 'zoom-new-token').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });

    const twitch = '{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387","type":"channel.follow"}}';
    const headers = { ...signWebhook('twitch', { secret: 'twitch-secret', body: twitch }), 'twitch-eventsub-message-type': 'webhook_callback_verification' };
    const twitchReply = await post('/hooks/twitch', twitch, headers);
    expect([twitchReply.status, twitchReply.headers['content-type'], twitchReply.text]).toEqual([
      200,
      'text/plain; charset=utf-8',
      'pogchamp-kappa-360noscope-vohiyo',
    ]);
    const notification = '{"subscription":{"type":"channel.follow"},"event":{"user_id":"1"}}';
    await post('/hooks/twitch', notification, {
      ...signWebhook('twitch', { secret: 'twitch-secret', body: notification }),
      'twitch-eventsub-message-type': 'notification',
    }).expect(204);
    expect(t.calls.names).toEqual(['twitch']);
  });

  it('verifies SendGrid with the configured public key, and refuses tampering', async () => {
    const body = '[{"email":"a@example.com","event":"delivered","sg_event_id":"e1","timestamp":1700000000}]\r\n';
    const headers = signWebhook('sendgrid', { secret: SENDGRID_PUBLIC_KEY, body, privateKey: sendgridKeys.privateKey });
    await post('/hooks/sendgrid', body, headers).expect(200);
    await post('/hooks/sendgrid', body.replace('delivered', 'bounce'), headers).expect(401);
    expect(t.calls.names).toEqual(['sendgrid']);
  });

  it('answers 503 when PayPal’s certificate cannot be fetched, so PayPal retries, and 401 for a certificate URL elsewhere', async () => {
    const headers = {
      'paypal-transmission-id': 'abc-1',
      'paypal-transmission-time': new Date().toISOString(),
      'paypal-transmission-sig': 'c2lnbmF0dXJl',
      'paypal-auth-algo': 'SHA256withRSA',
    };
    await post('/hooks/paypal', '{}', { ...headers, 'paypal-cert-url': `${t.keys.origin}/v1/notifications/certs/missing` }).expect(503);
    await post('/hooks/paypal', '{}', { ...headers, 'paypal-cert-url': 'http://169.254.169.254/latest/meta-data' }).expect(401);
    expect(t.calls.names).toEqual([]);
    expect(t.logger.lines.some((line) => line.level === 'error' && /could not be fetched/.test(line.message))).toBe(true);
  });
});

/** X's route alone. */
@Controller('hooks')
class XController {
  constructor(private readonly calls: Calls) {}

  @All('x')
  @HttpCode(200)
  @VerifiedWebhook('x')
  x() {
    this.calls.names.push('x');
  }
}

describe.each(ADAPTERS)('Challenges with a secret function (%s)', (adapter) => {
  it('looks the secrets up once for a GET that is no challenge, and once for a challenge', async () => {
    const lookups: string[] = [];
    const t = await startCallsApp(adapter, XController, () => ({
      x: {
        secret: ({ headers }) => {
          lookups.push(String(headers['x-lookup']));
          return 'x-consumer-secret';
        },
      },
    }));
    try {
      await request(t.app.getHttpServer()).get('/hooks/x').set('x-lookup', 'no challenge').expect(401);
      await request(t.app.getHttpServer()).get('/hooks/x?crc_token=9b4507b3-9040-4669-9ff0-0b4b2ef4c36d').set('x-lookup', 'challenge').expect(200);
    } finally {
      await t.close();
    }
    expect(lookups).toEqual(['no challenge', 'challenge']);
    expect(t.calls.names).toEqual([]);
  });
});

describe('Schemes whose signature does not cover the whole body', () => {
  it('fail at startup without replay protection, naming the fix', async () => {
    await expect(createApp(WebhookSecurityModule.forRoot({ providers: { mailgun: { secret: 'key-1' } } }), { controllers: [] })).rejects.toThrow(
      /replay must be on for this scheme .*not the event data.*set replay: \{\}/,
    );
    const started = await createApp(
      WebhookSecurityModule.forRoot({ providers: { mailgun: { secret: 'key-1', verifier: new MailgunVerifier(), replay: {} } } }),
      { controllers: [] },
    );
    await started.app.close();
  });
});
