import { formatTimestamp, isWithinTolerance, parseTimestamp, signingTimestamp, TimestampWindow } from './timestamp.js';

describe('parseTimestamp (iso)', () => {
  const at = (fraction: string, zone = 'Z') => parseTimestamp(`2024-05-08T21:27:45${fraction}${zone}`, 'iso');
  const MILLIS = Date.UTC(2024, 4, 8, 21, 27, 45);

  it.each(['', '.0', '.03', '.039', '.0395', '.039587', '.0395879', '.03958799', '.039587999'])('reads milliseconds from the first three of %p', (fraction) => {
    expect(at(fraction)).toBe(MILLIS + Number((fraction.slice(1) + '000').slice(0, 3)));
  });

  it('applies the zone offset', () => {
    expect(at('.039587', '+02:00')).toBe(MILLIS + 39 - 2 * 3600_000);
    expect(at('', '-05:30')).toBe(MILLIS + 5.5 * 3600_000);
  });

  it.each([
    '2024-05-08T21:27:45.0395879999Z', // ten fraction digits
    '2024-05-08T21:27:45', // no zone
    '2024-05-08 21:27:45Z',
    '2024-13-08T21:27:45Z',
    '2024-05-08T21:60:45Z',
    '2024-05-08T21:27:45+24:00',
    '1',
    '',
  ])('rejects %p', (value) => {
    expect(parseTimestamp(value, 'iso')).toBeUndefined();
  });
});

describe('parseTimestamp (unix, unix-ms)', () => {
  it('reads Unix seconds and milliseconds as epoch milliseconds', () => {
    expect(parseTimestamp('1715203665', 'unix')).toBe(1715203665_000);
    expect(parseTimestamp('0', 'unix')).toBe(0);
    expect(parseTimestamp('1715203665987', 'unix-ms')).toBe(1715203665987);
    // The most digits each format takes: twelve and fifteen.
    expect(parseTimestamp('123456789012', 'unix')).toBe(123456789012_000);
    expect(parseTimestamp('123456789012345', 'unix-ms')).toBe(123456789012345);
  });

  it.each([
    ['1715203665.5', 'unix'],
    ['-1', 'unix'],
    [' 1715203665', 'unix'],
    ['1234567890123', 'unix'], // thirteen digits
    ['2024-05-08T21:27:45Z', 'unix'],
    ['', 'unix'],
    ['1715203665987.5', 'unix-ms'],
    ['1234567890123456', 'unix-ms'], // sixteen digits
    ['2024-05-08T21:27:45Z', 'unix-ms'],
    ['', 'unix-ms'],
    // The characters either side of 0 to 9, and digits of another script.
    ['17152036/5', 'unix'],
    ['17152036:5', 'unix'],
    ['\u0661\u0667\u0661\u0665', 'unix'],
    ['1715203665987\u0000', 'unix-ms'],
    // A leading zero: the same value in other text, which moves what comes before the timestamp.
    ['01715203665', 'unix'],
    ['00', 'unix'],
    ['01715203665987', 'unix-ms'],
    ['001715203665987', 'unix-ms'],
  ] as const)('rejects %p as %s', (value, format) => {
    expect(parseTimestamp(value, format)).toBeUndefined();
  });
});

describe('formatTimestamp and signingTimestamp', () => {
  const at = new Date(1715203665987);

  it('writes each format as a sender does', () => {
    expect(formatTimestamp(at, 'unix')).toBe('1715203665');
    expect(formatTimestamp(at, 'unix-ms')).toBe('1715203665987');
    expect(formatTimestamp(at, 'iso')).toBe('2024-05-08T21:27:45.987Z');
  });

  it('takes a string verbatim, a number as Unix seconds, a Date as it is, and the clock when unset', () => {
    expect(signingTimestamp('not a time', 0, 'unix')).toBe('not a time');
    expect(signingTimestamp(1715203665, 0, 'unix-ms')).toBe('1715203665000');
    expect(signingTimestamp(at, 0, 'unix-ms')).toBe('1715203665987');
    expect(signingTimestamp(undefined, 1715203665987, 'unix')).toBe('1715203665');
  });

  it('refuses a number in milliseconds, naming the fix, and takes seconds up to 10^11', () => {
    expect(() => signingTimestamp(1715203665987, 0, 'unix')).toThrow(/in milliseconds: give Unix seconds/);
    expect(() => signingTimestamp(1e11, 0, 'unix')).toThrow(TypeError);
    expect(() => signingTimestamp(-1e11, 0, 'unix')).toThrow(TypeError);
    expect(signingTimestamp(1e11 - 1, 0, 'unix')).toBe('99999999999');
  });
});

describe('isWithinTolerance and TimestampWindow', () => {
  it('accepts up to the tolerance either side of the clock, and no further', () => {
    expect(isWithinTolerance(0, 300_000, 300)).toBe(true);
    expect(isWithinTolerance(0, 300_001, 300)).toBe(false);
    expect(isWithinTolerance(300_000, 0, 300)).toBe(true);
    expect(isWithinTolerance(300_001, 0, 300)).toBe(false);
  });

  it('checks a header against its clock and tolerance, 300 seconds unless set', () => {
    const now = 1715203665_000;
    const window = new TimestampWindow({ clock: () => now });
    expect(window.toleranceSeconds).toBe(300);
    expect(window.check('1715203665', 'unix')).toBeUndefined();
    expect(window.check(String(now / 1000 - 300), 'unix')).toBeUndefined();
    expect(window.check(String(now / 1000 - 301), 'unix')).toBe('timestamp_out_of_tolerance');
    expect(window.check('17152036650', 'unix')).toBe('timestamp_out_of_tolerance');
    expect(window.check('yesterday', 'unix')).toBe('malformed_header');
    expect(window.signing(undefined, 'unix')).toBe('1715203665');

    const narrow = new TimestampWindow({ toleranceSeconds: 5, clock: () => now });
    expect(narrow.check(String(now / 1000 - 6), 'unix')).toBe('timestamp_out_of_tolerance');
  });

  it('reads the system clock when none is given', () => {
    const window = new TimestampWindow();
    expect(window.now).toBe(Date.now);
    expect(window.check(String(Math.floor(Date.now() / 1000)), 'unix')).toBeUndefined();
  });
});
