import { createHmac } from 'node:crypto';
import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { SlackVerifier } from './slack.verifier.js';

// The worked example of Slack's "Verifying requests from Slack" page: a slash command.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
  '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
  '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
  '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const SIGNED_AT_MS = Number(TIMESTAMP) * 1000;

describe('SlackVerifier', () => {
  const at = (nowMs: number) => new SlackVerifier({ clock: () => nowMs });
  const verifier = at(SIGNED_AT_MS + 60_000);
  const headers = (signature = SIGNATURE, timestamp = TIMESTAMP) => ({
    'X-Slack-Signature': signature,
    'X-Slack-Request-Timestamp': timestamp,
  });
  const verify = (body: string | Buffer, h: Record<string, string | string[]>, secrets = [SECRET], v = verifier) => v.verify(webhookRequest(body, h), secrets);

  it("accepts Slack's published vector", () => {
    expect(verify(BODY, headers())).toEqual({ verified: true });
  });

  it('signs the published vector exactly', () => {
    expect(verifier.sign({ secret: SECRET, body: BODY, timestamp: Number(TIMESTAMP) })).toEqual({
      'x-slack-signature': SIGNATURE,
      'x-slack-request-timestamp': TIMESTAMP,
    });
  });

  it('accepts a JSON event signed as Slack documents it', () => {
    const body = '{"type":"event_callback","event":{"type":"app_mention","text":"héllo"}}';
    const signature = `v0=${createHmac('sha256', 'other').update(`v0:${TIMESTAMP}:${body}`).digest('hex')}`;
    expect(verify(body, headers(signature), ['other'])).toEqual({ verified: true });
  });

  it('rejects a body with one byte changed, a changed timestamp, and the wrong secret', () => {
    expect(verify(flipByte(BODY), headers())).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, headers(SIGNATURE, '1531420619'))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, headers(), ['wrong'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('accepts any secret of a rotation', () => {
    expect(verify(BODY, headers(), ['new', SECRET])).toEqual({ verified: true });
  });

  it('accepts 5 minutes either way, and rejects one second more in both directions', () => {
    for (const offset of [-300_000, 300_000]) expect(verify(BODY, headers(), [SECRET], at(SIGNED_AT_MS + offset))).toEqual({ verified: true });
    for (const offset of [-301_000, 301_000]) {
      expect(verify(BODY, headers(), [SECRET], at(SIGNED_AT_MS + offset))).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
    }
  });

  it('rejects a missing signature or timestamp header', () => {
    expect(verify(BODY, { 'x-slack-request-timestamp': TIMESTAMP })).toEqual({ verified: false, reason: 'missing_header' });
    expect(verify(BODY, { 'x-slack-signature': SIGNATURE })).toEqual({ verified: false, reason: 'missing_header' });
  });

  it('rejects a timestamp that is not Unix seconds', () => {
    for (const timestamp of ['1531420618.5', '2018-07-12T18:36:58Z', '-1531420618', 'hello']) {
      expect(verify(BODY, headers(SIGNATURE, timestamp))).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it('rejects a signature without v0=, truncated, or not hex', () => {
    for (const value of [SIGNATURE.slice(3), `v1=${SIGNATURE.slice(3)}`, SIGNATURE.slice(0, -2), `${SIGNATURE.slice(0, -1)}z`]) {
      expect(verify(BODY, headers(value))).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(BODY, { 'x-slack-signature': value, 'x-slack-request-timestamp': TIMESTAMP })).toMatchObject({ verified: false });
    expect(verify(BODY, { 'x-slack-signature': SIGNATURE, 'x-slack-request-timestamp': value })).toMatchObject({ verified: false });
  });
});
