import { parseTimestamp } from './timestamp.js';

describe('parseTimestamp (iso)', () => {
  const at = (fraction: string, zone = 'Z') => parseTimestamp(`2024-05-08T21:27:45${fraction}${zone}`, 'iso');
  const MILLIS = Date.UTC(2024, 4, 8, 21, 27, 45);

  it.each(['', '.0', '.03', '.039', '.0395', '.039587', '.0395879', '.03958799', '.039587999'])(
    'reads milliseconds from the first three of %p',
    (fraction) => {
      expect(at(fraction)).toBe(MILLIS + Number((fraction.slice(1) + '000').slice(0, 3)));
    },
  );

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
