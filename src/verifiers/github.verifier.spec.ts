import { sign as octokitSign, verify as octokitVerify, verifyWithFallback } from '@octokit/webhooks-methods';
import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { GitHubVerifier } from './github.verifier.js';

// The vector of GitHub's "Validating webhook deliveries" page.
const SECRET = "It's a Secret to Everybody";
const BODY = 'Hello, World!';
const SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
const JSON_BODY = '{"action":"opened","issue":{"title":"naïve café ✓"}}';

describe('GitHubVerifier', () => {
  const verifier = new GitHubVerifier();
  const verify = (body: string | Buffer, headers: Record<string, string | string[]>, secrets = [SECRET]) =>
    verifier.verify(webhookRequest(body, headers), secrets);

  it("accepts GitHub's published vector", () => {
    expect(verify(BODY, { 'X-Hub-Signature-256': SIGNATURE })).toEqual({ verified: true });
  });

  it('signs the published vector exactly', () => {
    expect(verifier.sign({ secret: SECRET, body: BODY })).toEqual({ 'x-hub-signature-256': SIGNATURE });
  });

  it('accepts what @octokit/webhooks-methods signs, and octokit accepts what it signs', async () => {
    const signature = await octokitSign('octo-secret', JSON_BODY);
    expect(verify(JSON_BODY, { 'x-hub-signature-256': signature }, ['octo-secret'])).toEqual({ verified: true });
    const ours = verifier.sign({ secret: 'octo-secret', body: JSON_BODY })['x-hub-signature-256']!;
    await expect(octokitVerify('octo-secret', JSON_BODY, ours)).resolves.toBe(true);
  });

  it('accepts any secret of a rotation, as octokit verifyWithFallback does', async () => {
    await expect(verifyWithFallback('new', BODY, SIGNATURE, [SECRET])).resolves.toBe(true);
    expect(verify(BODY, { 'x-hub-signature-256': SIGNATURE }, ['new', SECRET])).toEqual({ verified: true });
  });

  it('rejects a body with one byte changed, and the wrong secret', () => {
    expect(verify(flipByte(BODY), { 'x-hub-signature-256': SIGNATURE })).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, { 'x-hub-signature-256': SIGNATURE }, ['wrong'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('rejects a missing header, and reads only the SHA-256 header', () => {
    expect(verify(BODY, {})).toEqual({ verified: false, reason: 'missing_header' });
    expect(verify(BODY, { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' })).toEqual({
      verified: false,
      reason: 'missing_header',
    });
  });

  it('rejects a signature without its prefix, with another prefix, truncated or not hex', () => {
    const hex = SIGNATURE.slice('sha256='.length);
    for (const value of [hex, `sha1=${hex}`, SIGNATURE.slice(0, -1), `${SIGNATURE.slice(0, -1)}g`, 'sha256=']) {
      expect(verify(BODY, { 'x-hub-signature-256': value })).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(BODY, { 'x-hub-signature-256': value })).toMatchObject({ verified: false });
  });
});
