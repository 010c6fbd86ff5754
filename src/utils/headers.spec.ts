import { MAX_SIGNATURES_PER_HEADER, readHeader, splitList } from './headers.js';

describe('splitList', () => {
  it('trims entries and drops empty ones', () => {
    expect(splitList(' a , b,,c ,', ',')).toEqual(['a', 'b', 'c']);
    expect(splitList('v1,abc v1,def', ' ')).toEqual(['v1,abc', 'v1,def']);
    expect(splitList(' , ', ',')).toEqual([]);
  });

  it('reads the whole header as one entry without a separator', () => {
    expect(splitList(' a,b ', undefined)).toEqual(['a,b']);
    expect(splitList('a,b', '')).toEqual(['a,b']);
    expect(splitList('   ', undefined)).toEqual([]);
  });

  it('does not count empty entries towards the limit', () => {
    expect(splitList(`${','.repeat(40)}valid`, ',')).toEqual(['valid']);
    expect(splitList(`v1,a${'  '.repeat(20)}v1,b`, ' ')).toEqual(['v1,a', 'v1,b']);
  });

  it('takes up to the limit and rejects a longer list', () => {
    const list = (count: number) => Array.from({ length: count }, (_, i) => `s${i}`);
    expect(splitList(list(MAX_SIGNATURES_PER_HEADER).join(','), ',')).toEqual(list(MAX_SIGNATURES_PER_HEADER));
    expect(splitList(list(MAX_SIGNATURES_PER_HEADER + 1).join(','), ',')).toBeUndefined();
    expect(splitList(list(1000).join(', '), ',')).toBeUndefined();
  });

  it('agrees with String#split, trim and filter on every list of up to 14 short entries', () => {
    const reference = (value: string, separator: string) => {
      const entries = value
        .split(separator)
        .map((e) => e.trim())
        .filter((e) => e !== '');
      return entries.length > MAX_SIGNATURES_PER_HEADER ? undefined : entries;
    };
    const pieces = ['', ' ', 'a', ' b ', 'cd'];
    for (let count = 1; count <= 14; count++) {
      for (let seed = 0; seed < 50; seed++) {
        const value = Array.from({ length: count }, (_, i) => pieces[(seed * 7 + i * 3 + count) % pieces.length]).join(seed % 2 ? ', ' : ',');
        for (const separator of [',', ', ']) expect(splitList(value, separator)).toEqual(reference(value, separator));
      }
    }
  });
});

describe('readHeader', () => {
  it('reads a header by any case of its name', () => {
    expect(readHeader({ 'x-signature': 'abc' }, 'X-Signature')).toBe('abc');
  });

  it('joins a repeated header given as an array with ", ", as Node joins most', () => {
    expect(readHeader({ 'x-signature': ['v1=a', 'v1=b'] }, 'x-signature')).toBe('v1=a, v1=b');
  });

  it('reads an absent or empty header as unset', () => {
    expect(readHeader({}, 'x-signature')).toBeUndefined();
    expect(readHeader({ 'x-signature': '' }, 'x-signature')).toBeUndefined();
    expect(readHeader({ 'x-signature': [] }, 'x-signature')).toBeUndefined();
  });
});
