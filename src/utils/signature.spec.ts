import fc from 'fast-check';
import { MAX_SIGNATURES_PER_HEADER } from './headers.js';
import { anyMatch, decodeSignature, decodeSignatureInto, safeEqual, secretKeys, signatureSlots } from './signature.js';

describe('secretKeys', () => {
  const bytes = (keys: readonly { export(): Buffer }[]) => keys.map((key) => key.export().toString('utf8'));

  it('gives each secret as a key of its UTF-8 bytes, built once per list', () => {
    const secrets = ['whsec_one', 'clé'];
    const keys = secretKeys(secrets);
    expect(bytes(keys)).toEqual(['whsec_one', 'clé']);
    expect(secretKeys(secrets)).toBe(keys);
  });

  it('never reuses the keys of a list changed in place', () => {
    const secrets = ['old-secret', 'new-secret'];
    secretKeys(secrets);
    secrets.shift();
    expect(bytes(secretKeys(secrets))).toEqual(['new-secret']);
    secrets[0] = 'newer-secret';
    expect(bytes(secretKeys(secrets))).toEqual(['newer-secret']);
    secrets.push('newest-secret');
    expect(bytes(secretKeys(secrets))).toEqual(['newer-secret', 'newest-secret']);
    secrets[1] = 'rotated-secret';
    expect(bytes(secretKeys(secrets))).toEqual(['newer-secret', 'rotated-secret']);
  });
});

describe('decodeSignature', () => {
  const digest = Buffer.alloc(32, 0xab);
  const hex = digest.toString('hex');
  const base64 = digest.toString('base64');
  const base64url = digest.toString('base64url');

  it('decodes a digest of the right length in each encoding, with or without base64 padding', () => {
    expect(decodeSignature(hex, 'hex', 32)).toEqual(digest);
    expect(decodeSignature(hex.toUpperCase(), 'hex', 32)).toEqual(digest);
    expect(base64).toHaveLength(44);
    expect(decodeSignature(base64, 'base64', 32)).toEqual(digest);
    expect(decodeSignature(base64.replace(/=+$/, ''), 'base64', 32)).toEqual(digest);
    expect(decodeSignature(base64url, 'base64url', 32)).toEqual(digest);
    expect(decodeSignature(`${base64url}=`, 'base64url', 32)).toEqual(digest);
  });

  // Buffer.from decodes each of these to a digest-sized (or shorter) buffer on its own, skipping what it cannot read.
  it.each([
    ['a hex digest with junk before it', `zz${hex.slice(2)}`],
    ['a hex digest with junk after it', `${hex.slice(0, -2)}zz`],
    ['a hex digest one character short', hex.slice(1)],
    ['a hex digest one character long', `${hex}a`],
    // Node's hex decoding reads only the low byte of a character: U+0161 as 'a', U+0130 as '0'.
    ['a hex digest with a character past Latin-1 that reads as a hex digit', `\u0161${hex.slice(1)}`],
    ['a hex digest of characters past Latin-1 only', '\u0130'.repeat(64)],
  ])('rejects %s', (_name, value) => {
    expect(decodeSignature(value, 'hex', 32)).toBeUndefined();
    expect(decodeSignatureInto(value, 'hex', Buffer.alloc(32))).toBe(false);
  });

  it.each([
    ['junk before the characters', `!${base64.slice(0, 43)}`],
    ['junk after the characters', `${base64.slice(0, 43)}!`],
    ['junk in the middle', `${base64.slice(0, 20)}!${base64.slice(21)}`],
    ['too much padding', `${base64.slice(0, 43)}==`],
    ['a padded length that decodes to one byte more', 'A'.repeat(44)],
    ['an unpadded length that decodes to one byte less', `${'A'.repeat(42)}=`],
    ['the URL-safe alphabet', `${'-'.repeat(42)}_=`],
    ['whitespace', ` ${base64.slice(0, 43)}`],
  ])('rejects base64 with %s', (_name, value) => {
    expect(decodeSignature(value, 'base64', 32)).toBeUndefined();
  });

  it.each([
    ['the standard alphabet', `${'+'.repeat(42)}/=`],
    ['junk before the characters', `!${base64url}`],
    ['junk after the characters', `${base64url}!`],
  ])('rejects base64url with %s', (_name, value) => {
    expect(decodeSignature(value, 'base64url', 32)).toBeUndefined();
  });

  /**
   * The strict reading by Node's own decoder: a pattern of the alphabet, the
   * exact length with padding or without, and a byte count checked before the
   * write. The library decodes in one pass of its own; both must agree.
   */
  const byNode = (value: string, encoding: 'hex' | 'base64' | 'base64url', bytes: number): Buffer | undefined => {
    const pattern = { hex: /^[0-9a-fA-F]*$/, base64: /^[A-Za-z0-9+/]+={0,2}$/, base64url: /^[A-Za-z0-9_-]+={0,2}$/ }[encoding];
    const lengths = encoding === 'hex' ? [bytes * 2] : [Math.ceil(bytes / 3) * 4, Math.ceil((bytes * 4) / 3)];
    if (!lengths.includes(value.length) || !pattern.test(value) || Buffer.byteLength(value, encoding) !== bytes) return undefined;
    return Buffer.from(value, encoding);
  };
  const encodings = ['hex', 'base64', 'base64url'] as const;

  it('decodes every digest length in each encoding as Node does, padded or not, any case of hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), (array) => {
        const digest = Buffer.from(array);
        const unpadded = digest.toString('base64').replace(/=+$/, '');
        const written = {
          hex: [digest.toString('hex'), digest.toString('hex').toUpperCase()],
          base64: [`${unpadded}${'='.repeat((4 - (unpadded.length % 4)) % 4)}`, unpadded],
          base64url: [digest.toString('base64url'), `${digest.toString('base64url')}${'='.repeat((4 - (unpadded.length % 4)) % 4)}`],
        };
        for (const encoding of encodings) {
          for (const value of written[encoding]) expect(decodeSignature(value, encoding, digest.length)).toEqual(digest);
          // Any text of another encoding is read as Node reads it strictly, or refused as Node refuses it.
          for (const value of Object.values(written).flat())
            expect(decodeSignature(value, encoding, digest.length)).toEqual(byNode(value, encoding, digest.length));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('accepts exactly what Node decodes strictly, for any text near the length of a digest', () => {
    const characters = [...'0123456789abcdefABCDEFxyzXYZ+/-_= !\u0161\u0130\u0100\u00ff\u0000'];
    fc.assert(
      fc.property(
        fc.constantFrom(...encodings),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: -2, max: 2 }),
        fc.infiniteStream(fc.constantFrom(...characters)),
        (encoding, bytes, offset, stream) => {
          const length = Math.max(0, (encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4) + offset);
          const value = [...stream.take(length)].join('');
          expect(decodeSignature(value, encoding, bytes)).toEqual(byNode(value, encoding, bytes));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('decodes a signature from an offset, past a prefix, to the end of the text only', () => {
    const digest = Buffer.alloc(32, 0xab);
    const target = Buffer.alloc(32);
    expect(decodeSignatureInto(`v1,${digest.toString('base64')}`, 'base64', target, 3)).toBe(true);
    expect(target).toEqual(digest);
    expect(decodeSignatureInto(`sha256=${digest.toString('hex')}`, 'hex', Buffer.alloc(32), 7)).toBe(true);
    expect(decodeSignatureInto(`v1,${digest.toString('base64')}x`, 'base64', Buffer.alloc(32), 3)).toBe(false);
    expect(decodeSignatureInto(`sha256=${digest.toString('hex').slice(1)}`, 'hex', Buffer.alloc(32), 7)).toBe(false);
  });

  it('refuses padding where the bytes fill every group of four characters', () => {
    // 3 and 48 bytes encode to whole groups: no '=' belongs after them.
    for (const bytes of [3, 48]) {
      const encoded = Buffer.alloc(bytes, 0xab).toString('base64');
      expect(decodeSignature(encoded, 'base64', bytes)).toEqual(Buffer.alloc(bytes, 0xab));
      for (const padding of ['=', '==', '===']) expect(decodeSignature(`${encoded}${padding}`, 'base64', bytes)).toBeUndefined();
    }
  });

  it('decodes nothing in an encoding it does not know', () => {
    for (const encoding of ['toString', 'constructor', 'latin1']) {
      // Of the length of 32 bytes in base64, and in hex.
      expect(decodeSignature(`${'A'.repeat(43)}=`, encoding as 'base64', 32)).toBeUndefined();
      expect(decodeSignature('00'.repeat(32), encoding as 'hex', 32)).toBeUndefined();
    }
  });

  it('rejects the empty string and a signature of another digest length', () => {
    expect(decodeSignature('', 'hex', 32)).toBeUndefined();
    expect(decodeSignature('', 'base64', 32)).toBeUndefined();
    expect(decodeSignature(Buffer.alloc(20).toString('hex'), 'hex', 32)).toBeUndefined();
    expect(decodeSignature(Buffer.alloc(64).toString('base64'), 'base64', 32)).toBeUndefined();
    expect(decodeSignature(Buffer.alloc(20).toString('base64'), 'base64', 20)).toEqual(Buffer.alloc(20));
    expect(decodeSignature('', 'hex', 0)).toBeUndefined();
    expect(decodeSignature('', 'base64', 0)).toBeUndefined();
    expect(decodeSignatureInto(Buffer.alloc(32).toString('hex'), 'hex', Buffer.alloc(32), 65)).toBe(false);
  });

  it('reads nothing before the start of the text: a negative start is refused, not read as zero digits', () => {
    const digest = Buffer.alloc(32, 0xff);
    expect(decodeSignatureInto(digest.toString('hex').slice(2), 'hex', Buffer.alloc(32), -2)).toBe(false);
    expect(decodeSignatureInto(digest.toString('base64').slice(1), 'base64', Buffer.alloc(32), -1)).toBe(false);
    expect(decodeSignatureInto(`v1,${digest.toString('base64')}`, 'base64', Buffer.alloc(32), 3)).toBe(true);
  });
});

describe('safeEqual', () => {
  it('compares bytes, and answers false, never throws, for lengths that differ', () => {
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.from('a'))).toBe(false);
  });
});

describe('anyMatch', () => {
  const [a, b] = [Buffer.from('aaa'), Buffer.from('bbb')];

  it('finds the expected bytes among all the candidates, or among the first `count` only', () => {
    expect(anyMatch([a, b], b)).toBe(true);
    expect(anyMatch([a, b], Buffer.from('ccc'))).toBe(false);
    expect(anyMatch([a, b], a, 1)).toBe(true);
    // What lies past `count` (a slot an earlier request filled) is never compared.
    expect(anyMatch([a, b], b, 1)).toBe(false);
    expect(anyMatch([a, b], a, 0)).toBe(false);
  });
});

describe('signatureSlots', () => {
  it('gives one buffer of the digest length per signature a header may list, none sharing a byte with another', () => {
    const slots = signatureSlots(32);
    expect(slots).toHaveLength(MAX_SIGNATURES_PER_HEADER);
    slots.forEach((slot, i) => slot.fill(i + 1));
    slots.forEach((slot, i) => expect(slot).toEqual(Buffer.alloc(32, i + 1)));
  });

  it('takes a decoded signature exactly, and leaves a slot it does not fill unread by a count that excludes it', () => {
    const [slot] = signatureSlots(32);
    const digest = Buffer.alloc(32, 7);
    expect(decodeSignatureInto(digest.toString('hex'), 'hex', slot!)).toBe(true);
    expect(slot).toEqual(digest);
    expect(decodeSignatureInto(`zz${digest.toString('hex').slice(2)}`, 'hex', slot!)).toBe(false);
    expect(anyMatch([slot!], digest, 0)).toBe(false);
  });
});
