import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { StripeVerifier } from './stripe.verifier.js';

const { webhooks } = Stripe;
const SECRET = 'whsec_test_5e7b1c0a9f3d4e2b8c6a';
const BODY = JSON.stringify({ id: 'evt_1', object: 'event', type: 'invoice.paid', data: { object: { customer_name: 'Zoë 北京' } } }, null, 2);
const TIMESTAMP = 1_700_000_000;
const NOW_MS = TIMESTAMP * 1000 + 30_000;

/** A Stripe-Signature header made by stripe-node itself. */
const stripeHeader = (secret = SECRET, timestamp = TIMESTAMP, payload = BODY) => webhooks.generateTestHeaderString({ payload, secret, timestamp });

describe('StripeVerifier', () => {
  const at = (nowMs: number) => new StripeVerifier({ clock: () => nowMs });
  const verifier = at(NOW_MS);
  const verify = (body: string | Buffer, header: string | string[] | undefined, secrets = [SECRET], v = verifier) =>
    v.verify(webhookRequest(body, header === undefined ? {} : { 'Stripe-Signature': header }), secrets);

  it('accepts the header stripe-node generates', () => {
    expect(verify(BODY, stripeHeader())).toEqual({ verified: true });
  });

  it('signs what stripe-node signs, and stripe-node constructEvent accepts it', () => {
    const ours = verifier.sign({ secret: SECRET, body: BODY, timestamp: TIMESTAMP })['stripe-signature']!;
    expect(ours).toBe(stripeHeader());
    expect(webhooks.constructEvent(BODY, ours, SECRET, 300, undefined, NOW_MS)).toMatchObject({ id: 'evt_1', type: 'invoice.paid' });
  });

  it('signs with the current time by default, which stripe-node accepts', () => {
    const header = new StripeVerifier().sign({ secret: SECRET, body: BODY })['stripe-signature']!;
    expect(webhooks.constructEvent(BODY, header, SECRET)).toMatchObject({ id: 'evt_1' });
  });

  it('uses the whsec_ secret as text, not base64-decoded', () => {
    const hex = createHmac('sha256', SECRET).update(`${TIMESTAMP}.${BODY}`).digest('hex');
    expect(verify(BODY, `t=${TIMESTAMP},v1=${hex}`)).toEqual({ verified: true });
  });

  it('accepts any v1 of the header, as during a roll, and ignores v0 and unknown schemes', () => {
    const good = stripeHeader().split('v1=')[1]!;
    const other = stripeHeader('whsec_other').split('v1=')[1]!;
    expect(verify(BODY, `t=${TIMESTAMP},v1=${other},v1=${good}`)).toEqual({ verified: true });
    expect(verify(BODY, `t=${TIMESTAMP},v0=${'ab'.repeat(32)},v1=${good},scheme=x`)).toEqual({ verified: true });
    expect(verify(BODY, `t=${TIMESTAMP},v0=${good}`)).toEqual({ verified: false, reason: 'malformed_header' });
  });

  it('accepts any secret of a rotation', () => {
    expect(verify(BODY, stripeHeader(), ['whsec_new', SECRET])).toEqual({ verified: true });
  });

  it('rejects a body with one byte changed, a changed t, and the wrong secret', () => {
    const header = stripeHeader();
    expect(verify(flipByte(BODY), header)).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, header.replace(`t=${TIMESTAMP}`, `t=${TIMESTAMP + 1}`))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, header, ['whsec_wrong'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('rejects a timestamp more than 300 s old, as stripe-node does', () => {
    const header = stripeHeader();
    const late = TIMESTAMP * 1000 + 301_000;
    expect(() => webhooks.constructEvent(BODY, header, SECRET, 300, undefined, late)).toThrow('Timestamp outside the tolerance zone');
    expect(verify(BODY, header, [SECRET], at(late))).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
    expect(verify(BODY, header, [SECRET], at(TIMESTAMP * 1000 + 300_000))).toEqual({ verified: true });
  });

  it('rejects a timestamp more than 300 s ahead, which stripe-node accepts', () => {
    const header = stripeHeader();
    const early = TIMESTAMP * 1000 - 301_000;
    expect(webhooks.constructEvent(BODY, header, SECRET, 300, undefined, early)).toMatchObject({ id: 'evt_1' });
    expect(verify(BODY, header, [SECRET], at(early))).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
    expect(verify(BODY, header, [SECRET], at(TIMESTAMP * 1000 - 300_000))).toEqual({ verified: true });
  });

  it('honours toleranceSeconds', () => {
    const strict = new StripeVerifier({ toleranceSeconds: 10, clock: () => NOW_MS });
    expect(verify(BODY, stripeHeader(), [SECRET], strict)).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('rejects a missing header', () => {
    expect(verify(BODY, undefined)).toEqual({ verified: false, reason: 'missing_header' });
  });

  it('rejects a header without t, with two t, with a t that is not Unix seconds, or without a decodable v1', () => {
    const v1 = stripeHeader().split(',')[1]!;
    for (const header of [
      v1,
      `t=${TIMESTAMP},t=${TIMESTAMP},${v1}`,
      `t=${TIMESTAMP}.5,${v1}`,
      `t=,${v1}`,
      `t=abc,${v1}`,
      `t=${TIMESTAMP}`,
      `t=${TIMESTAMP},v1=${'ab'.repeat(31)}`,
      `t=${TIMESTAMP},v1=${'zz'.repeat(32)}`,
      `t ${TIMESTAMP} ${v1}`,
    ]) {
      expect(verify(BODY, header)).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it('rejects a header listing more entries than it will compare', () => {
    const good = stripeHeader().split('v1=')[1]!;
    const padded = `t=${TIMESTAMP},${Array.from({ length: 10 }, () => `v1=${'ab'.repeat(32)}`).join(',')},v1=${good}`;
    expect(verify(BODY, padded)).toEqual({ verified: false, reason: 'malformed_header' });
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(BODY, value)).toMatchObject({ verified: false });
    if (typeof value === 'string') expect(verify(BODY, `t=${value},v1=${value}`)).toMatchObject({ verified: false });
  });
});
