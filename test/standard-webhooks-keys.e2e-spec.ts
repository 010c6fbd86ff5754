import { createHmac, generateKeyPairSync, sign as ed25519Sign } from 'node:crypto';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { VerifiedWebhook, WebhookSecurityModule, type WebhookProviderOptions } from '../src/index.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { send } from './support/raw-http.js';
import type { Server } from 'node:http';

/*
 * Standard Webhooks keys as configured: a public key must never become an
 * HMAC secret, and the unpadded secrets the vendors' SDKs read must work.
 */
@Controller('keys')
class KeysController {
  @Post('standardwebhooks')
  @HttpCode(200)
  @VerifiedWebhook('standardwebhooks')
  receive(@Body() body: unknown) {
    return { received: body };
  }
}

const BODY = '{"type":"invoice.paid","id":"evt_1"}';
const JSON_TYPE = { 'content-type': 'application/json' };
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const PUBLIC_KEY = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');

/** A `v1` signature made with the public key's bytes as the HMAC key: what anyone who knows the public key can forge. */
const forgedWithPublicKey = () => {
  const id = 'msg_forged';
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', PUBLIC_KEY).update(`${id}.${timestamp}.${BODY}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
};

describe.each(ADAPTERS)('Standard Webhooks keys on %s', (adapter) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.app.close();
    t = undefined;
  });
  const start = async (secret: WebhookProviderOptions['secret']) => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: { standardwebhooks: { secret } } }), { adapter, controllers: [KeysController] });
    await t.app.listen(0, '127.0.0.1');
    return ((t.app.getHttpServer() as Server).address() as { port: number }).port;
  };

  it('refuses at startup an Ed25519 public key configured without whpk_, naming the fix', async () => {
    await expect(start(PUBLIC_KEY.toString('base64'))).rejects.toThrow(/whpk_.*add the prefix/);
  });

  it('rejects a v1 signature made with a bare public key returned by a secret function: 401', async () => {
    const port = await start(() => PUBLIC_KEY.toString('base64'));
    expect((await send(port, '/keys/standardwebhooks', { ...JSON_TYPE, ...forgedWithPublicKey() }, BODY)).status).toBe(401);
  });

  it('verifies v1a with the key given as whpk_, and rejects the v1 forged with its bytes: 200, then 401', async () => {
    const port = await start(`whpk_${PUBLIC_KEY.toString('base64')}`);
    const id = 'msg_1';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const v1a = `v1a,${ed25519Sign(null, Buffer.from(`${id}.${timestamp}.${BODY}`), privateKey).toString('base64')}`;
    const genuine = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': v1a };
    expect((await send(port, '/keys/standardwebhooks', { ...JSON_TYPE, ...genuine }, BODY)).status).toBe(200);
    expect((await send(port, '/keys/standardwebhooks', { ...JSON_TYPE, ...forgedWithPublicKey() }, BODY)).status).toBe(401);
  });

  it('accepts an unpadded whsec_ secret, signed by the standardwebhooks and svix SDKs: 200', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr';
    const port = await start(secret);
    const id = 'msg_2';
    const at = new Date();
    const signature = new Webhook(secret).sign(id, at, BODY);
    expect(new SvixWebhook(secret).sign(id, at, BODY)).toBe(signature);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
    expect((await send(port, '/keys/standardwebhooks', { ...JSON_TYPE, ...headers }, BODY)).status).toBe(200);
  });
});
