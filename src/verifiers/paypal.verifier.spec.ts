import { X509Certificate, createSign } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { PAYPAL_SUBJECT, paypalCertificate, startKeyServer, testCertificate, type KeyServer, type TestCertificate } from '../../test/support/key-server.js';
import { webhookRequest } from '../../test/support/webhook-request.js';
import { PayPalVerifier, crc32, tableCrc32 } from './paypal.verifier.js';
import { checkReplayVerifier } from '../replay/replay-options.resolver.js';
import type { ResolvedWebhookProvider } from '../webhook-security-options.interface.js';

// The signed message follows PayPal's "Integrate webhooks" guide, self-
// verification method: `${transmissionId}|${timeStamp}|${webhookId}|${crc32}`,
// the CRC32 of the raw body written in decimal, RSA-SHA256 with the
// certificate at PAYPAL-CERT-URL. PayPal's certificate cannot be used offline:
// the test signs with its own certificate, issued to PayPal's signing subject
// by a test authority, and served from a local key server.
const WEBHOOK_ID = '9XL90610J3647323C';
const TRANSMISSION_ID = 'd938e770-8046-11e6-8103-6b62a8a99ac4';
// Now, to the second: the test certificate is valid from the moment it is made.
const TIME = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000).toISOString().replace('.000Z', 'Z');
const NOW = Date.parse(TIME);
const BODY = '{"id":"WH-9UG43882HX7271132-6E0871324L7949614","event_type":"PAYMENT.SALE.COMPLETED","summary":"Payment completed for $ 21.0 USD"}';

describe('PayPalVerifier', () => {
  const cert = paypalCertificate();
  const next = paypalCertificate();
  const authorities = [cert.authority, next.authority];
  let server: KeyServer;
  let verifier: PayPalVerifier;
  const certPath = '/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77';
  const options = (clock = () => NOW) => ({ clock, keyOrigins: [server.origin], certificateAuthorities: authorities });

  beforeEach(async () => {
    server = await startKeyServer();
    server.routes.set(certPath, { body: cert.certificate });
    verifier = new PayPalVerifier(options());
  });
  afterEach(() => server.close());

  const headers = (body = BODY, overrides: Record<string, string> = {}, privateKey = cert.privateKey) => ({
    'paypal-transmission-id': TRANSMISSION_ID,
    'paypal-transmission-time': TIME,
    'paypal-transmission-sig': createSign('sha256')
      .update(`${TRANSMISSION_ID}|${TIME}|${WEBHOOK_ID}|${zlibCrc32(Buffer.from(body))}`)
      .sign(privateKey, 'base64'),
    'paypal-cert-url': `${server.origin}${certPath}`,
    'paypal-auth-algo': 'SHA256withRSA',
    ...overrides,
  });
  const verify = (body: string, h: Record<string, string>, secrets = [WEBHOOK_ID]) => verifier.verify(webhookRequest(body, h), secrets);

  it('computes the CRC32 that zlib computes, with or without zlib.crc32', () => {
    for (const text of ['', 'a', BODY, 'café ✓'.repeat(100)]) {
      expect(crc32(Buffer.from(text))).toBe(zlibCrc32(Buffer.from(text)));
      expect(tableCrc32(Buffer.from(text))).toBe(zlibCrc32(Buffer.from(text)));
    }
  });

  it('verifies with the certificate at PAYPAL-CERT-URL, fetched once and then cached', async () => {
    await expect(verify(BODY, headers())).resolves.toEqual({ verified: true });
    await expect(verify(BODY, headers())).resolves.toEqual({ verified: true });
    expect(server.hits.get(certPath)).toBe(1);
  });

  it('fetches a new certificate when PayPal rotates it', async () => {
    server.routes.set('/v1/notifications/certs/CERT-next', { body: next.certificate });
    await expect(verify(BODY, headers())).resolves.toEqual({ verified: true });
    await expect(verify(BODY, headers(BODY, { 'paypal-cert-url': `${server.origin}/v1/notifications/certs/CERT-next` }, next.privateKey))).resolves.toEqual({
      verified: true,
    });
    expect(server.hits.get('/v1/notifications/certs/CERT-next')).toBe(1);
  });

  /** Verifies a delivery signed by `signer`, whose certificate is served as `served`, at `at`. */
  const verifyServed = async (signer: TestCertificate, served: string, at = NOW, trusted = authorities) => {
    server.routes.set('/v1/notifications/certs/CERT-test', { body: served });
    const time = new Date(at).toISOString();
    const h = headers(BODY, {
      'paypal-transmission-time': time,
      'paypal-transmission-sig': createSign('sha256')
        .update(`${TRANSMISSION_ID}|${time}|${WEBHOOK_ID}|${zlibCrc32(Buffer.from(BODY))}`)
        .sign(signer.privateKey, 'base64'),
      'paypal-cert-url': `${server.origin}/v1/notifications/certs/CERT-test`,
    });
    return new PayPalVerifier({ ...options(() => at), certificateAuthorities: trusted }).verify(webhookRequest(BODY, h), [WEBHOOK_ID]);
  };
  const untrusted = { verified: false, reason: 'untrusted_key' };

  it('rejects a certificate that is not valid at the time of the request (401, untrusted_key)', async () => {
    await expect(verifyServed(cert, cert.certificate, NOW + 2 * 86_400_000)).resolves.toEqual(untrusted);
    await expect(verifyServed(cert, cert.certificate, NOW - 86_400_000)).resolves.toEqual(untrusted);
  });

  // Made once: openssl is slow to make RSA keys, so the certificates below share one.
  const otherAuthority = testCertificate({ subject: '/CN=Another Test CA', ca: true, days: 2 });
  const leafKey = testCertificate({ subject: PAYPAL_SUBJECT }).privateKey;
  const leaf = (subject: string, issuer?: TestCertificate) => testCertificate({ subject, issuer, privateKey: leafKey });
  const otherSubjects = [
    '/CN=messageverificationcerts.example',
    '/CN=paypal.com',
    '/CN=evil.messageverificationcerts.paypal.com',
    '/O=messageverificationcerts.paypal.com',
  ].map((subject) => leaf(subject, otherAuthority));
  const sandbox = leaf('/C=US/O=PayPal, Inc./CN=messageverificationcerts.sandbox.paypal.com', otherAuthority);
  const selfSigned = leaf(PAYPAL_SUBJECT);
  const forger = testCertificate({ subject: '/CN=Test Root CA', ca: true, days: 2 });
  const forged = leaf(PAYPAL_SUBJECT, forger);
  const root = testCertificate({ subject: '/CN=Test Root CA', ca: true, days: 3 });
  const intermediate = testCertificate({ subject: '/CN=Test Intermediate CA', issuer: root, ca: true, days: 2 });
  const underIntermediate = leaf(PAYPAL_SUBJECT, intermediate);
  const notCa = testCertificate({ subject: '/CN=Not A CA', issuer: root, days: 2, privateKey: leafKey });
  const underNotCa = leaf(PAYPAL_SUBJECT, notCa);
  const shortRoot = testCertificate({ subject: '/CN=Short-lived Test Root CA', ca: true, days: 1 });
  const underShortRoot = testCertificate({ subject: PAYPAL_SUBJECT, issuer: shortRoot, days: 3, privateKey: leafKey });

  it('rejects a certificate issued to any subject but PayPal’s signing one, though a trusted authority issued it', async () => {
    for (const other of otherSubjects) await expect(verifyServed(other, other.certificate, NOW, [otherAuthority.certificate])).resolves.toEqual(untrusted);
    await expect(verifyServed(sandbox, sandbox.certificate, NOW, [otherAuthority.certificate])).resolves.toEqual({ verified: true });
  });

  it('rejects a certificate in PayPal’s name that no trusted authority issued: self-signed, or issued by another authority', async () => {
    await expect(verifyServed(selfSigned, selfSigned.certificate)).resolves.toEqual(untrusted);
    // The forger's authority has the trusted one's name, but not its key.
    await expect(verifyServed(forged, `${forged.certificate}${forger.certificate}`)).resolves.toEqual(untrusted);
    await expect(verifyServed(forged, forged.certificate, NOW, [forger.certificate])).resolves.toEqual({ verified: true });
    // By default only Node's bundled roots are trusted, and no test authority is one.
    server.routes.set(certPath, { body: cert.certificate });
    const bundled = new PayPalVerifier({ clock: () => NOW, keyOrigins: [server.origin] });
    await expect(bundled.verify(webhookRequest(BODY, headers()), [WEBHOOK_ID])).resolves.toEqual(untrusted);
  });

  it('follows the intermediates served after the certificate to a trusted authority, and no further than a certificate authority', async () => {
    const chain = `${underIntermediate.certificate}\n${intermediate.certificate}`;
    await expect(verifyServed(underIntermediate, chain, NOW, [root.certificate])).resolves.toEqual({ verified: true });
    await expect(verifyServed(underIntermediate, underIntermediate.certificate, NOW, [root.certificate])).resolves.toEqual(untrusted);
    // The leaf is valid for a day, its intermediate for two: within the second day only the leaf has expired,
    // and an intermediate that expires ends the chain's validity as well.
    await expect(verifyServed(underIntermediate, chain, NOW + 1.5 * 86_400_000, [root.certificate])).resolves.toEqual(untrusted);
    // So does a trusted authority that expires.
    await expect(verifyServed(underShortRoot, underShortRoot.certificate, NOW, [shortRoot.certificate])).resolves.toEqual({ verified: true });
    await expect(verifyServed(underShortRoot, underShortRoot.certificate, NOW + 1.5 * 86_400_000, [shortRoot.certificate])).resolves.toEqual(untrusted);
    // A certificate that is no certificate authority issues nothing.
    await expect(verifyServed(underNotCa, `${underNotCa.certificate}\n${notCa.certificate}`, NOW, [root.certificate])).resolves.toEqual(untrusted);
  });

  it('follows at most three intermediates to a trusted authority', async () => {
    const top = testCertificate({ subject: '/CN=Chain Test Root CA', ca: true, days: 2 });
    const intermediates: TestCertificate[] = [];
    for (let n = 1; n <= 4; n++) {
      intermediates.unshift(testCertificate({ subject: `/CN=Chain Test Intermediate ${n}`, issuer: intermediates[0] ?? top, ca: true, days: 2 }));
    }
    // intermediates[0] is the fourth below the root, intermediates[3] the first.
    const underThree = leaf(PAYPAL_SUBJECT, intermediates[1]);
    const three = [underThree, ...intermediates.slice(1)].map((certificate) => certificate.certificate).join('\n');
    await expect(verifyServed(underThree, three, NOW, [top.certificate])).resolves.toEqual({ verified: true });
    const underFour = leaf(PAYPAL_SUBJECT, intermediates[0]);
    const four = [underFour, ...intermediates].map((certificate) => certificate.certificate).join('\n');
    await expect(verifyServed(underFour, four, NOW, [top.certificate])).resolves.toEqual(untrusted);
  });

  it('refuses, at construction, a trusted authority that is not a PEM certificate', () => {
    expect(() => new PayPalVerifier({ certificateAuthorities: ['not a certificate'] })).toThrow(/certificateAuthorities\[0\] is not a PEM certificate/);
  });

  it('rejects a changed body, transmission or webhook id, and a stale transmission time', async () => {
    await expect(verify(`${BODY} `, headers())).resolves.toEqual({ verified: false, reason: 'no_matching_signature' });
    await expect(verify(BODY, headers(BODY, { 'paypal-transmission-id': 'e938e770-8046-11e6-8103-6b62a8a99ac4' }))).resolves.toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
    await expect(verify(BODY, headers(), ['OTHERWEBHOOKID'])).resolves.toEqual({ verified: false, reason: 'no_matching_signature' });
    const late = new PayPalVerifier(options(() => NOW + 301_000));
    await expect(late.verify(webhookRequest(BODY, headers()), [WEBHOOK_ID])).resolves.toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('never fetches from a host that is not PayPal’s', async () => {
    for (const url of [
      'https://attacker.example/cert.pem',
      'http://169.254.169.254/latest',
      `${server.origin.replace('127.0.0.1', 'localhost')}${certPath}`,
      'not a url',
    ]) {
      await expect(verify(BODY, headers(BODY, { 'paypal-cert-url': url }))).resolves.toEqual({ verified: false, reason: 'untrusted_key_url' });
    }
    expect(server.hits.size).toBe(0);
  });

  it('answers key_unavailable (503) when the certificate server fails or is down, and tries again a minute later', async () => {
    let now = NOW;
    const timed = new PayPalVerifier(options(() => now));
    const check = () => {
      const time = new Date(Math.floor(now / 1000) * 1000).toISOString();
      const sig = createSign('sha256')
        .update(`${TRANSMISSION_ID}|${time}|${WEBHOOK_ID}|${zlibCrc32(Buffer.from(BODY))}`)
        .sign(cert.privateKey, 'base64');
      return timed.verify(webhookRequest(BODY, headers(BODY, { 'paypal-transmission-time': time, 'paypal-transmission-sig': sig })), [WEBHOOK_ID]);
    };
    server.routes.set(certPath, { body: 'oops', status: 500 });
    await expect(check()).resolves.toEqual({ verified: false, reason: 'key_unavailable' });
    server.routes.set(certPath, { body: cert.certificate });
    await expect(check()).resolves.toEqual({ verified: false, reason: 'key_unavailable' });
    expect(server.hits.get(certPath)).toBe(1);
    now += 60_000;
    await expect(check()).resolves.toEqual({ verified: true });
    server.routes.set('/v1/notifications/certs/CERT-bad', { body: 'not a certificate' });
    await expect(verify(BODY, headers(BODY, { 'paypal-cert-url': `${server.origin}/v1/notifications/certs/CERT-bad` }))).resolves.toEqual({
      verified: false,
      reason: 'key_unavailable',
    });
    const h = headers();
    await server.close();
    const cold = new PayPalVerifier(options());
    await expect(cold.verify(webhookRequest(BODY, h), [WEBHOOK_ID])).resolves.toEqual({ verified: false, reason: 'key_unavailable' });
  });

  it('rejects missing or oversized headers and another algorithm, before any fetch', async () => {
    const { 'paypal-cert-url': _, ...noCert } = headers();
    await expect(verify(BODY, noCert)).resolves.toEqual({ verified: false, reason: 'missing_header' });
    await expect(verify(BODY, headers(BODY, { 'paypal-auth-algo': 'SHA1withRSA' }))).resolves.toEqual({ verified: false, reason: 'malformed_header' });
    await expect(verify(BODY, headers(BODY, { 'paypal-transmission-sig': 'A'.repeat(600) }))).resolves.toEqual({ verified: false, reason: 'malformed_header' });
    expect(server.hits.size).toBe(0);
  });

  it('rejects a request without any one of the four headers, before any fetch', async () => {
    for (const name of ['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-cert-url']) {
      const rest: Record<string, string> = headers();
      delete rest[name];
      await expect(verify(BODY, rest)).resolves.toEqual({ verified: false, reason: 'missing_header' });
    }
    expect(server.hits.size).toBe(0);
  });

  it('accepts a request without PAYPAL-AUTH-ALGO, a transmission id of 50 characters and a signature header of 500 with blanks around it', async () => {
    const { 'paypal-auth-algo': _, ...noAlgorithm } = headers();
    await expect(verify(BODY, noAlgorithm)).resolves.toEqual({ verified: true });
    const id = 'a'.repeat(50);
    const sig = createSign('sha256')
      .update(`${id}|${TIME}|${WEBHOOK_ID}|${zlibCrc32(Buffer.from(BODY))}`)
      .sign(cert.privateKey, 'base64');
    await expect(verify(BODY, headers(BODY, { 'paypal-transmission-id': id, 'paypal-transmission-sig': sig }))).resolves.toEqual({ verified: true });
    const padded = ` ${headers()['paypal-transmission-sig']} `.padEnd(500);
    expect(padded).toHaveLength(500);
    await expect(verify(BODY, headers(BODY, { 'paypal-transmission-sig': padded }))).resolves.toEqual({ verified: true });
  });

  it('rejects a transmission id over 50 characters, and a signature that is not base64, before any fetch', async () => {
    await expect(verify(BODY, headers(BODY, { 'paypal-transmission-id': 'a'.repeat(51) }))).resolves.toEqual({ verified: false, reason: 'malformed_header' });
    for (const sig of ['not base64!', 'AAA', ' ']) {
      await expect(verify(BODY, headers(BODY, { 'paypal-transmission-sig': sig }))).resolves.toEqual({ verified: false, reason: 'malformed_header' });
    }
    expect(server.hits.size).toBe(0);
  });

  it('verifies with any webhook ID of a rotation', async () => {
    await expect(verify(BODY, headers(), ['OTHERWEBHOOKID', WEBHOOK_ID])).resolves.toEqual({ verified: true });
  });

  it('accepts a certificate from the first to the last moment its chain is valid, and not a moment outside', async () => {
    const from = Math.max(...[cert.certificate, cert.authority].map((pem) => Date.parse(new X509Certificate(pem).validFrom)));
    const to = Math.min(...[cert.certificate, cert.authority].map((pem) => Date.parse(new X509Certificate(pem).validTo)));
    await expect(verifyServed(cert, cert.certificate, from)).resolves.toEqual({ verified: true });
    await expect(verifyServed(cert, cert.certificate, to)).resolves.toEqual({ verified: true });
    await expect(verifyServed(cert, cert.certificate, from - 1)).resolves.toEqual(untrusted);
    await expect(verifyServed(cert, cert.certificate, to + 1)).resolves.toEqual(untrusted);
  });

  it('accepts a certificate only from the moment every certificate of its chain is valid', async () => {
    const authority = testCertificate({ subject: '/CN=Young Test Root CA', ca: true, days: 2 });
    // The leaf is made in the next second, so it becomes valid a second after its authority.
    await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
    const young = testCertificate({ subject: PAYPAL_SUBJECT, issuer: authority, privateKey: leafKey });
    const from = Date.parse(new X509Certificate(young.certificate).validFrom);
    expect(from).toBeGreaterThan(Date.parse(new X509Certificate(authority.certificate).validFrom));
    await expect(verifyServed(young, young.certificate, from - 1, [authority.certificate])).resolves.toEqual(untrusted);
    await expect(verifyServed(young, young.certificate, from, [authority.certificate])).resolves.toEqual({ verified: true });
  });

  it('answers key_unavailable for a certificate URL that serves no RSA certificate', async () => {
    const ec = testCertificate({ subject: PAYPAL_SUBJECT, ca: true });
    const broken = cert.certificate.replace(/\n[A-Za-z0-9+/]{8}/, '\nAAAAAAAA');
    for (const served of [ec.certificate, broken, 'no certificate', `${cert.certificate.slice(0, 100)}-----END CERTIFICATE-----`]) {
      await expect(verifyServed(cert, served)).resolves.toEqual({ verified: false, reason: 'key_unavailable' });
    }
  });

  it('keys replay on the signed transmission id, and requires replay protection', () => {
    expect(verifier.deliveryId(webhookRequest(BODY, headers()))).toBe(`transmission:${TRANSMISSION_ID}`);
    expect(verifier.deliveryId(webhookRequest(BODY, {}))).toBeUndefined();
    // Built here, not in the describe block, so that the check reads a verifier of the code under test.
    const withoutReplay = { name: 'p', verifier: new PayPalVerifier(), replay: undefined } as unknown as ResolvedWebhookProvider;
    expect(() => checkReplayVerifier(withoutReplay)).toThrow(
      /replay must be on for this scheme \(PayPal signs a CRC32 of the body, which can be matched by another body, so each signature must be accepted once\)/,
    );
    expect(verifier.checkSecret(WEBHOOK_ID)).toBeUndefined();
    expect(verifier.checkSecret('WH-123')).toMatch(/webhook's ID from the PayPal Developer Dashboard: letters and digits/);
  });
});
