import { createHmac } from 'node:crypto';
import { webhookRequest } from '../../test/support/webhook-request.js';
import {
  MAX_CHALLENGE_LENGTH,
  dropboxChallenge,
  metaSubscription,
  oktaVerification,
  slackUrlVerification,
  twitchCallbackVerification,
  xChallengeResponseCheck,
  zoomUrlValidation,
} from './handshakes.js';

const challenge = (query: string, headers: Record<string, string> = {}) => ({ query: new URLSearchParams(query), headers });

describe('Handshake replies, each as its sender documents it', () => {
  it("Slack: the Events API's url_verification example is answered with its challenge as text", () => {
    // The request body of Slack's url_verification page.
    const body = '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';
    expect(slackUrlVerification(webhookRequest(body, {}))).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
    expect(slackUrlVerification(webhookRequest('{"type":"event_callback","challenge":"x"}', {}))).toBeUndefined();
  });

  it("Zoom: endpoint.url_validation gets {plainToken, encryptedToken}, hex HMAC-SHA256 of the plain token (Zoom's recipe)", () => {
    // The event of Zoom's "Validate your webhook endpoint" section.
    const body = '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}';
    const reply = zoomUrlValidation(webhookRequest(body, {}), ['zoom-secret-token']);
    expect(reply?.contentType).toBe('application/json');
    expect(JSON.parse(reply!.body)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', 'zoom-secret-token').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
    expect(zoomUrlValidation(webhookRequest('{"event":"meeting.started"}', {}), ['s'])).toBeUndefined();
    // Another event is a delivery for the handler, whatever it holds.
    const started = '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event":"meeting.started"}';
    expect(zoomUrlValidation(webhookRequest(started, {}), ['zoom-secret-token'])).toBeUndefined();
  });

  it('Twitch: webhook_callback_verification is answered with the raw challenge as text, told apart by its signed body', () => {
    // The challenge of Twitch's "Responding to a challenge request" example.
    const body = '{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow"}}';
    const verification = { 'twitch-eventsub-message-type': 'webhook_callback_verification' };
    expect(twitchCallbackVerification(webhookRequest(body, verification))?.body).toBe('pogchamp-kappa-360noscope-vohiyo');
    const notification = '{"subscription":{"type":"channel.follow"},"event":{"user_id":"1"},"challenge":"x"}';
    expect(twitchCallbackVerification(webhookRequest(notification, verification))).toBeUndefined();
  });

  it('Meta: the challenge is echoed only for the configured verify token', () => {
    const check = (query: string, verifyToken: string | undefined = 'my-token') => metaSubscription(challenge(query), [], { verifyToken });
    expect(check('hub.mode=subscribe&hub.verify_token=my-token&hub.challenge=1158201444')).toMatchObject({ body: '1158201444' });
    expect(check('hub.mode=subscribe&hub.verify_token=my-tokeN&hub.challenge=1158201444')).toBe(false);
    expect(check('hub.challenge=1')).toBeUndefined();
    // No verify token configured: every check is refused.
    expect(metaSubscription(challenge('hub.mode=subscribe&hub.verify_token=&hub.challenge=1'), [], {})).toBe(false);
    // An empty verify token, given to a verifier built by hand (the module refuses it at startup), matches nothing.
    expect(check('hub.mode=subscribe&hub.verify_token=&hub.challenge=1', '')).toBe(false);
  });

  it("X: the CRC response is sha256= and the base64 HMAC of crc_token with the consumer secret (X's recipe)", () => {
    const reply = xChallengeResponseCheck(challenge('crc_token=9b4507b3-9040-4669-9ff0-0b4b2ef4c36d'), ['consumer-secret']);
    expect(JSON.parse((reply as { body: string }).body)).toEqual({
      response_token: `sha256=${createHmac('sha256', 'consumer-secret').update('9b4507b3-9040-4669-9ff0-0b4b2ef4c36d').digest('base64')}`,
    });
    expect(xChallengeResponseCheck(challenge('x=1'), ['s'])).toBeUndefined();
  });

  it('Dropbox: the challenge is echoed with nosniff; Okta: the verification is answered only with the right Authorization', () => {
    expect(dropboxChallenge(challenge('challenge=abc'))).toMatchObject({ body: 'abc', headers: { 'x-content-type-options': 'nosniff' } });
    const okta = { 'x-okta-verification-challenge': 'v-1', authorization: 'secret-value' };
    expect(oktaVerification(challenge('', okta), ['old', 'secret-value'])).toMatchObject({ body: '{"verification":"v-1"}' });
    expect(oktaVerification(challenge('', { ...okta, authorization: 'nope' }), ['secret-value'])).toBe(false);
    expect(oktaVerification(challenge(''), ['secret-value'])).toBeUndefined();
  });

  it('answers no signed handshake whose challenge cannot be echoed, and no Zoom validation without a secret', () => {
    const long = 'a'.repeat(MAX_CHALLENGE_LENGTH + 1);
    expect(slackUrlVerification(webhookRequest(JSON.stringify({ type: 'url_verification', challenge: long }), {}))).toBeUndefined();
    expect(slackUrlVerification(webhookRequest('{"type":"url_verification","challenge":42}', {}))).toBeUndefined();
    expect(twitchCallbackVerification(webhookRequest(JSON.stringify({ challenge: long, subscription: {} }), {}))).toBeUndefined();
    const zoom = (plainToken: unknown) => webhookRequest(JSON.stringify({ payload: { plainToken }, event: 'endpoint.url_validation' }), {});
    expect(zoomUrlValidation(zoom(long), ['zoom-secret-token'])).toBeUndefined();
    expect(zoomUrlValidation(zoom('qgg8vlvZRS6UYooatFL8Aw'), [])).toBeUndefined();
  });

  it('Zoom: during a rotation, the token is encrypted with the first secret', () => {
    const body = '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event":"endpoint.url_validation"}';
    const reply = zoomUrlValidation(webhookRequest(body, {}), ['new-secret', 'old-secret']);
    expect(JSON.parse(reply!.body)).toMatchObject({ encryptedToken: createHmac('sha256', 'new-secret').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex') });
  });

  it('refuses a GET challenge that cannot be echoed, or that no secret can answer; leaves other GETs alone', () => {
    const meta = (query: string) => metaSubscription(challenge(query), [], { verifyToken: 'my-token' });
    expect(meta(`hub.mode=subscribe&hub.verify_token=my-token&hub.challenge=${'a'.repeat(MAX_CHALLENGE_LENGTH + 1)}`)).toBe(false);
    expect(meta('hub.mode=subscribe&hub.verify_token=my-token')).toBe(false);
    expect(meta('hub.mode=subscribe&hub.challenge=1')).toBe(false);
    expect(meta('hub.mode=unsubscribe&hub.verify_token=my-token&hub.challenge=1')).toBeUndefined();
    expect(xChallengeResponseCheck(challenge('crc_token=9b4507b3'), [])).toBe(false);
    for (const token of ['{"id":1}', 'a{"id":1}z', 'a'.repeat(257)]) {
      expect(xChallengeResponseCheck(challenge(`crc_token=${encodeURIComponent(token)}`), ['consumer-secret'])).toBe(false);
    }
    const okta = { 'x-okta-verification-challenge': 'a'.repeat(MAX_CHALLENGE_LENGTH + 1), authorization: 'secret-value' };
    expect(oktaVerification(challenge('', okta), ['secret-value'])).toBe(false);
    expect(oktaVerification(challenge('', { 'x-okta-verification-challenge': 'v-1' }), ['secret-value'])).toBe(false);
    expect(dropboxChallenge(challenge('other=1'))).toBeUndefined();
  });

  it('echoes nothing but short printable text', () => {
    for (const bad of ['', 'a'.repeat(MAX_CHALLENGE_LENGTH + 1), 'line\nbreak', 'caf\u00e9', '<\u0000>']) {
      expect(dropboxChallenge(challenge(`challenge=${encodeURIComponent(bad)}`))).toBe(false);
    }
    expect(dropboxChallenge(challenge(`challenge=${'a'.repeat(MAX_CHALLENGE_LENGTH)}`))).toMatchObject({ status: 200 });
  });
});
